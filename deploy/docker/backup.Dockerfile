# The image scripts/backup.sh and scripts/restore.sh run in: the compose `backup` service and the
# Kubernetes backup CronJob. pg_dump/pg_restore of the server's major version (15), bash, curl
# (RabbitMQ's management API) and GNU coreutils/findutils (checksums, retention).
# Build: docker build -f deploy/docker/backup.Dockerfile -t oca/backup:<version> .
# Same base as the compose PostgreSQL service; refresh the digest with `docker pull` + `docker inspect`.
FROM postgres:15.13-alpine@sha256:1414298ea93186123a6dcf872f778ba3bd2347edcbd2f31aa7bb2d9814ff5393
RUN apk add --no-cache bash curl coreutils findutils
COPY scripts/backup.sh scripts/restore.sh scripts/backup-lib.sh /opt/oca/
# the image's postgres user (uid 70)
USER 70:70
ENTRYPOINT ["bash", "/opt/oca/backup.sh"]
