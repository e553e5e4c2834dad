/** The part of a prom-client Registry that `metricValue` reads (structural, so no dependency on it). */
interface MetricRegistry {
  getSingleMetric(name: string): { get(): Promise<{ values: Array<{ value: number; labels: object }> }> } | undefined;
}

/** Sum of a metric's values whose labels include `labels` (0 when the metric does not exist yet). */
export async function metricValue(registry: MetricRegistry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Sum of a metric's samples scraped from a service's /metrics on 127.0.0.1:`port` (0 when absent). */
export async function scrapeMetric(port: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.split(' ').pop());
  }
  return total;
}
