// Validates Kubernetes manifests against their schemas offline, for test/deploy/k8s.test.ts.
// kubernetes-models and its CRD packages are ES modules only, which jest's CommonJS runtime cannot
// load, so the test runs this with node: a JSON array of manifests on stdin, one result per
// manifest on stdout ({ kind, name, model, error }). `model` is the package that knew the kind;
// null means no package did (the test fails on that too).
const PACKAGES = ['kubernetes-models', '@kubernetes-models/keda', '@kubernetes-models/prometheus-operator'];

async function modelFor(apiVersion, kind) {
  for (const pkg of PACKAGES) {
    try {
      const mod = await import(`${pkg}/${apiVersion}`);
      if (typeof mod[kind] === 'function') return { pkg, Model: mod[kind] };
    } catch {
      // this package has no such group/version
    }
  }
  return undefined;
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const manifest of JSON.parse(input)) {
  const { apiVersion, kind } = manifest;
  const name = manifest.metadata?.name;
  const found = await modelFor(apiVersion, kind);
  if (!found) {
    results.push({ kind, name, model: null, error: `no schema for ${apiVersion} ${kind}` });
    continue;
  }
  try {
    new found.Model(manifest).validate();
    results.push({ kind, name, model: found.pkg, error: null });
  } catch (err) {
    results.push({ kind, name, model: found.pkg, error: err.message });
  }
}
process.stdout.write(JSON.stringify(results));
