// Offline checks of everything that deploys Second Heart (deploy/validate/run.sh runs this after npm ci):
//   1. every Kubernetes overlay in k8s/overlays/ is rendered by the real kustomize (kubectl kustomize, offline) and
//      every object is validated against the Kubernetes schemas (kubernetes-models) or its CRD's schema
//      (Prometheus Operator, External Secrets); every YAML file under k8s/ and deploy/ must parse;
//   2. the rendered objects hang together: probes, requests and limits on every container, JSON logs on (and
//      Swagger UI off in production), selectors that select, references to ConfigMaps, Secrets, Services and ports
//      that exist, image names that match docker-compose.yml;
//   3. docker-compose.yml uses the same images, has a health check on every service and waits for healthy ones;
//      booking-service's SH_MESSAGING_* settings (k8s and compose) are MessagingConfig keys, secrets come from
//      Secrets (.env in compose), and production routes the providers' webhooks to booking-service;
//   4. every query of the Grafana dashboard is valid PromQL, and every metric (and label) it uses is one the code
//      registers, so it cannot rot silently.
// Exit status 1 with a list of problems on any failure. No network access.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import YAML from "yaml";
import { parser as promql } from "@prometheus-io/lezer-promql";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const rel = (p) => path.relative(repo, p);
const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);
const log = (message) => console.log(message);

const IMAGE_REPOSITORY = "ghcr.io/second-heart/";
const SERVICES = ["device-gateway", "telemetry-service", "booking-service", "ops-dashboard", "edge-agent"];
// Every image this repository builds: one per service (Dockerfile.jvm) and the secured broker (deploy/mosquitto).
const IMAGES = [...SERVICES, "mosquitto"];

// ---------------------------------------------------------------------------------------------------------------
// Schemas: apiVersion/kind -> model class from kubernetes-models and the CRD model packages.
const CRD_PACKAGES = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "external-secrets.io": "@kubernetes-models/external-secrets",
};

async function modelFor(apiVersion, kind) {
  const g = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const pkg = CRD_PACKAGES[g] ?? "kubernetes-models";
  if (!/^[A-Za-z]+$/.test(kind) || !/^[a-z0-9.\/-]+$/.test(apiVersion)) return undefined;
  try {
    const module = await import(`${pkg}/${apiVersion}/${kind}`);
    return module[kind] ?? module.default;
  } catch {
    return undefined;
  }
}

function describe(o) {
  return `${o.kind}/${o.metadata?.name}`;
}

async function validateSchema(where, o) {
  if (!o || typeof o !== "object" || !o.apiVersion || !o.kind) {
    problem(where, "a document without apiVersion and kind");
    return;
  }
  const Model = await modelFor(o.apiVersion, o.kind);
  if (!Model) {
    problem(where, `${o.apiVersion} ${o.kind}: no schema known to the validator (add its model package)`);
    return;
  }
  try {
    new Model(o).validate();
  } catch (e) {
    const details = e.errors ? e.errors.map((x) => `${x.instancePath || "/"} ${x.message}`).join("; ") : e.message;
    problem(where, `${describe(o)} does not match the ${o.apiVersion} ${o.kind} schema: ${details}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering: kubectl's built-in kustomize (no network: every resource in k8s/ is a local path). kubectl is on every
// machine that runs this (developers', CI's); run.sh refuses to start without it, this is the second line.
const KUSTOMIZE_MAJOR = 5;

function readYamlDocuments(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { prettyErrors: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${doc.errors.map((e) => e.message).join("; ")}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function kubectlKustomize() {
  const probe = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    return { missing: "kubectl is not installed (or does not run): the overlays are rendered with `kubectl kustomize`" };
  }
  const version = probe.stdout.match(/Kustomize Version:\s*(v[\d.]+)/)?.[1];
  const major = Number(version?.match(/^v(\d+)/)?.[1]);
  if (!(major >= KUSTOMIZE_MAJOR)) {
    return { missing: `kubectl's kustomize is ${version ?? "unknown"}; k8s/ needs kustomize v${KUSTOMIZE_MAJOR} or later (kubectl 1.27+)` };
  }
  return { version };
}

function render(dir) {
  const run = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (run.error || run.status !== 0) {
    throw new Error(`kubectl kustomize fails: ${(run.stderr || run.error?.message || "").trim()}`);
  }
  // kustomize wraps long base64 Secret values over several lines; the API server's decoder (Go's base64) skips the
  // line breaks, the schema's "byte" format does not, so the values are joined before validation.
  const joined = (o) => (o.kind === "Secret" && o.data
    ? { ...o, data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/\s/g, "")])) } : o);
  return YAML.parseAllDocuments(run.stdout).map((d) => d.toJS()).filter((o) => o !== null && o !== undefined).map(joined);
}

// One PostgreSQL major version everywhere (docs/conventions.md, "PostgreSQL"): the embedded binaries the tests and
// the one-command fleet run (pom.xml) are the reference; compose and every overlay must deploy the same major.
const POSTGRES_MAJOR = fs.readFileSync(path.join(repo, "pom.xml"), "utf8")
  .match(/<embedded-postgres-binaries\.version>(\d+)\./)?.[1];
function checkPostgresImage(where, image) {
  const { name, tag } = splitImage(image);
  if (!/(^|\/)postgres$/.test(name)) return;
  const major = tag?.match(/^(\d+)/)?.[1];
  if (!POSTGRES_MAJOR) problem(where, "pom.xml names no embedded-postgres-binaries.version to compare PostgreSQL with");
  else if (major !== POSTGRES_MAJOR) {
    problem(where, `runs ${image}, PostgreSQL ${major ?? "of no pinned major"}; tests and the one-command fleet run ${POSTGRES_MAJOR}: deploy that major`);
  }
}

function splitImage(image) {
  const at = image.indexOf("@");
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon > slash) return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { name: withoutDigest, tag: undefined };
}

function podSpec(o) {
  if (o.kind === "Pod") return o.spec;
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

function podContainers(o) {
  const spec = podSpec(o);
  if (!spec) return [];
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

// ---------------------------------------------------------------------------------------------------------------
// Consistency of one rendered overlay.
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

function selects(selector, labels) {
  if (!selector || !labels) return false;
  const match = selector.matchLabels ?? selector;
  return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels[k] === v);
}

function checkOverlay(name, objects) {
  const where = `k8s/overlays/${name}`;
  const key = (o) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
  const seen = new Set();
  for (const o of objects) {
    if (seen.has(key(o))) problem(where, `${describe(o)} is defined twice`);
    seen.add(key(o));
  }
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const workloads = objects.filter((o) => WORKLOADS.has(o.kind));
  const configMaps = new Map(byKind("ConfigMap").map((o) => [o.metadata.name, o]));
  const secrets = new Map(byKind("Secret").map((o) => [o.metadata.name, o]));
  for (const es of byKind("ExternalSecret")) {
    secrets.set(es.spec?.target?.name ?? es.metadata.name, { external: true, keys: (es.spec?.data ?? []).map((d) => d.secretKey), dataFrom: !!es.spec?.dataFrom });
  }
  const services = byKind("Service");

  for (const w of workloads) {
    const at = `${where} ${describe(w)}`;
    const spec = podSpec(w);
    const templateLabels = w.spec?.template?.metadata?.labels;
    if (!selects(w.spec?.selector, templateLabels)) problem(at, "the selector does not select its own pod template");
    if (w.kind === "StatefulSet") {
      const governing = services.find((s) => s.metadata.name === w.spec.serviceName);
      if (!governing) problem(at, `serviceName ${w.spec.serviceName} is no Service`);
      else if (governing.spec.clusterIP !== "None") problem(at, `serviceName ${w.spec.serviceName} is not headless`);
    }
    const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
    const claimTemplates = new Set((w.spec?.volumeClaimTemplates ?? []).map((v) => v.metadata.name));
    const all = [...(spec.initContainers ?? []).map((c) => [c, true]), ...(spec.containers ?? []).map((c) => [c, false])];
    for (const [c, init] of all) {
      const cat = `${at} ${init ? "init container" : "container"} ${c.name}`;
      for (const probe of init ? [] : ["readinessProbe", "livenessProbe"]) {
        if (!c[probe]) problem(cat, `has no ${probe}`);
      }
      for (const kind of ["requests", "limits"]) {
        for (const resource of ["cpu", "memory"]) {
          if (!c.resources?.[kind]?.[resource]) problem(cat, `has no resources.${kind}.${resource}`);
        }
      }
      const portNames = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (typeof port === "string" && !portNames.has(port)) problem(cat, `${probe} uses port ${port}, which the container does not name`);
        const probePath = c[probe]?.httpGet?.path;
        if (probePath && !probePath.startsWith("/q/health/")) problem(cat, `${probe} path ${probePath} is not a SmallRye Health endpoint`);
      }
      const { name: imageName, tag } = splitImage(c.image ?? "");
      checkPostgresImage(cat, c.image ?? "");
      if (imageName.startsWith(IMAGE_REPOSITORY)) {
        const service = imageName.slice(IMAGE_REPOSITORY.length);
        if (!IMAGES.includes(service)) problem(cat, `image ${c.image} is not one of the images this repository builds`);
        if (service !== c.name) problem(cat, `image ${c.image} does not belong to container ${c.name}`);
        if (name === "production" && (!tag || tag === "latest")) problem(cat, `production runs ${c.image}: pin a release tag`);
      }
      const defined = new Set();
      for (const e of c.env ?? []) {
        for (const [, ref] of String(e.value ?? "").matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          if (!defined.has(ref)) problem(cat, `env ${e.name} refers to $(${ref}), which is not defined before it`);
        }
        defined.add(e.name);
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm) {
          const m = configMaps.get(cm.name);
          if (!m) problem(cat, `env ${e.name}: ConfigMap ${cm.name} does not exist`);
          else if (!(cm.key in (m.data ?? {}))) problem(cat, `env ${e.name}: ConfigMap ${cm.name} has no key ${cm.key}`);
        }
        const sk = e.valueFrom?.secretKeyRef;
        if (sk) checkSecretKey(cat, `env ${e.name}`, secrets, sk.name, sk.key);
      }
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef && !configMaps.has(source.configMapRef.name)) problem(cat, `envFrom: ConfigMap ${source.configMapRef.name} does not exist`);
        if (source.secretRef && !secrets.has(source.secretRef.name)) problem(cat, `envFrom: Secret ${source.secretRef.name} does not exist`);
      }
      if (SERVICES.includes(imageName.slice(IMAGE_REPOSITORY.length)) && !init) {
        const logJson = envValue(c, "SH_LOG_JSON", configMaps);
        if (logJson !== "true") problem(cat, `logs plain text (SH_LOG_JSON is ${logJson ?? "unset"}): set SH_LOG_JSON=true for the log collector`);
        const swaggerUi = envValue(c, "SH_SWAGGER_UI", configMaps);
        if (name === "production" && swaggerUi !== "false") problem(cat, `serves Swagger UI in production (SH_SWAGGER_UI is ${swaggerUi ?? "unset"}): set SH_SWAGGER_UI=false`);
      }
      for (const mount of c.volumeMounts ?? []) {
        if (!volumes.has(mount.name) && !claimTemplates.has(mount.name)) problem(cat, `mounts volume ${mount.name}, which is not defined`);
      }
    }
    for (const v of volumes.values()) {
      // An optional volume (the JWKS, the people key) may be left out by an overlay; when it is there, its keys count.
      if (v.configMap && !(v.configMap.optional && !configMaps.has(v.configMap.name))) {
        const m = configMaps.get(v.configMap.name);
        if (!m) problem(at, `volume ${v.name}: ConfigMap ${v.configMap.name} does not exist`);
        for (const item of v.configMap.items ?? []) {
          if (m && !(item.key in (m.data ?? {}))) problem(at, `volume ${v.name}: ConfigMap ${v.configMap.name} has no key ${item.key}`);
        }
      }
      if (v.secret && !(v.secret.optional && !secrets.has(v.secret.secretName))) {
        if (!secrets.has(v.secret.secretName)) problem(at, `volume ${v.name}: Secret ${v.secret.secretName} does not exist`);
        for (const item of v.secret.items ?? []) checkSecretKey(at, `volume ${v.name}`, secrets, v.secret.secretName, item.key);
      }
    }
    if (spec.serviceAccountName && spec.serviceAccountName !== "default"
        && !objects.some((o) => o.kind === "ServiceAccount" && o.metadata.name === spec.serviceAccountName)) {
      problem(at, `service account ${spec.serviceAccountName} does not exist`);
    }
  }

  for (const s of services) {
    const at = `${where} ${describe(s)}`;
    if (!s.spec?.selector) continue;
    const targets = workloads.filter((w) => selects(s.spec.selector, w.spec?.template?.metadata?.labels));
    if (!targets.length) {
      problem(at, "selects no workload");
      continue;
    }
    for (const port of s.spec.ports ?? []) {
      if (typeof port.targetPort !== "string") continue;
      const named = targets.some((w) => podContainers(w).some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)));
      if (!named) problem(at, `targetPort ${port.targetPort} is no container port of the selected pods`);
    }
  }

  for (const hpa of byKind("HorizontalPodAutoscaler")) {
    const at = `${where} ${describe(hpa)}`;
    const ref = hpa.spec.scaleTargetRef;
    const target = workloads.find((w) => w.kind === ref.kind && w.metadata.name === ref.name);
    if (!target) problem(at, `scales ${ref.kind} ${ref.name}, which does not exist`);
    if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) problem(at, "minReplicas is above maxReplicas");
    if (target && target.spec.replicas !== undefined && target.spec.replicas < (hpa.spec.minReplicas ?? 1)) {
      problem(at, `${describe(target)} starts with ${target.spec.replicas} replicas, below minReplicas ${hpa.spec.minReplicas}`);
    }
    for (const c of target ? target.spec.template.spec.containers : []) {
      const usesCpu = (hpa.spec.metrics ?? []).some((m) => m.type === "Resource" && m.resource?.name === "cpu");
      if (usesCpu && !c.resources?.requests?.cpu) problem(at, `scales on CPU but container ${c.name} requests none`);
    }
  }

  for (const pdb of byKind("PodDisruptionBudget")) {
    const at = `${where} ${describe(pdb)}`;
    const targets = workloads.filter((w) => selects(pdb.spec.selector, w.spec?.template?.metadata?.labels));
    if (!targets.length) {
      problem(at, "selects no workload");
      continue;
    }
    if (typeof pdb.spec.minAvailable === "number") {
      for (const w of targets) {
        const hpa = byKind("HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === w.metadata.name && h.spec.scaleTargetRef.kind === w.kind);
        const least = hpa ? (hpa.spec.minReplicas ?? 1) : (w.spec.replicas ?? 1);
        if (pdb.spec.minAvailable >= least) {
          problem(at, `minAvailable ${pdb.spec.minAvailable} with as few as ${least} replicas of ${describe(w)}: no node could ever be drained`);
        }
      }
    }
  }

  for (const np of byKind("NetworkPolicy")) {
    const at = `${where} ${describe(np)}`;
    if (!workloads.some((w) => selects(np.spec.podSelector, w.spec?.template?.metadata?.labels))) problem(at, "selects no workload");
    for (const rule of np.spec.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        if (peer.podSelector && !workloads.some((w) => selects(peer.podSelector, w.spec?.template?.metadata?.labels))) {
          problem(at, "an ingress rule admits pods that no workload runs");
        }
      }
    }
  }

  for (const sm of byKind("ServiceMonitor")) {
    const at = `${where} ${describe(sm)}`;
    const targets = services.filter((s) => selects(sm.spec.selector, s.metadata.labels));
    if (!targets.length) problem(at, "selects no Service");
    for (const endpoint of sm.spec.endpoints ?? []) {
      if (endpoint.port && !targets.some((s) => (s.spec.ports ?? []).some((p) => p.name === endpoint.port))) {
        problem(at, `endpoint port ${endpoint.port} is no port of the selected Services`);
      }
      if (endpoint.path !== "/q/metrics") problem(at, `scrapes ${endpoint.path}, not /q/metrics`);
    }
  }

  for (const ing of byKind("Ingress")) {
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const backend = p.backend?.service;
        const s = services.find((x) => x.metadata.name === backend?.name);
        if (!s) problem(`${where} ${describe(ing)}`, `backend ${backend?.name} is no Service`);
        else if (backend.port?.name && !(s.spec.ports ?? []).some((x) => x.name === backend.port.name)) {
          problem(`${where} ${describe(ing)}`, `backend port ${backend.port.name} is no port of Service ${s.metadata.name}`);
        }
      }
    }
  }
  return workloads;
}

// The value a container's environment gives a variable: env (a value or a ConfigMap key) wins over envFrom.
function envValue(c, name, configMaps) {
  const e = (c.env ?? []).find((x) => x.name === name);
  if (e) {
    const ref = e.valueFrom?.configMapKeyRef;
    return ref ? configMaps.get(ref.name)?.data?.[ref.key] : e.value;
  }
  for (const source of c.envFrom ?? []) {
    const data = source.configMapRef ? configMaps.get(source.configMapRef.name)?.data : undefined;
    if (data && name in data) return data[name];
  }
  return undefined;
}

function checkSecretKey(at, what, secrets, name, key) {
  const s = secrets.get(name);
  if (!s) {
    problem(at, `${what}: Secret ${name} does not exist`);
    return;
  }
  if (s.external) {
    if (!s.dataFrom && !s.keys.includes(key)) problem(at, `${what}: ExternalSecret ${name} has no key ${key}`);
    return;
  }
  if (!(key in (s.data ?? {})) && !(key in (s.stringData ?? {}))) problem(at, `${what}: Secret ${name} has no key ${key}`);
}

// ---------------------------------------------------------------------------------------------------------------
// docker-compose.yml against the manifests.
function checkCompose(imagesInK8s) {
  const file = path.join(repo, "docker-compose.yml");
  const compose = YAML.parse(fs.readFileSync(file, "utf8"), { merge: true });
  const services = compose.services ?? {};
  const composeImages = new Set();
  for (const [name, s] of Object.entries(services)) {
    const at = `docker-compose.yml service ${name}`;
    if (!s.healthcheck?.test && s.restart !== "no") problem(at, "has no health check (only one-shot jobs, restart: \"no\", may go without)");
    for (const [dependency, condition] of Object.entries(s.depends_on ?? {})) {
      if (!services[dependency]) problem(at, `depends on ${dependency}, which is no service`);
      const oneShot = services[dependency]?.restart === "no";
      const expected = oneShot ? "service_completed_successfully" : "service_healthy";
      if (condition?.condition !== expected) problem(at, `waits for ${dependency} without condition: ${expected}`);
    }
    const image = String(s.image ?? "");
    checkPostgresImage(at, image);
    if (image.startsWith(IMAGE_REPOSITORY)) {
      const repository = image.replace(/:\$\{TAG[^}]*\}$/, "");
      if (repository === image) problem(at, `image ${image} is not tagged with \${TAG}`);
      composeImages.add(repository);
      const service = repository.slice(IMAGE_REPOSITORY.length);
      if (service !== name) problem(at, `image ${image} does not match the service name`);
      if (SERVICES.includes(service)) {
        const env = Array.isArray(s.environment)
          ? Object.fromEntries(s.environment.map((e) => String(e).split(/=(.*)/s).slice(0, 2))) : (s.environment ?? {});
        if (String(env.SH_LOG_JSON) !== "true") problem(at, `logs plain text (SH_LOG_JSON is ${env.SH_LOG_JSON ?? "unset"}): set SH_LOG_JSON: "true"`);
      }
      const dockerfile = path.join(repo, s.build?.context ?? "", s.build?.dockerfile ?? "Dockerfile");
      if (!s.build || !fs.existsSync(dockerfile)) problem(at, `builds from ${rel(dockerfile)}, which does not exist`);
    }
    for (const volume of s.volumes ?? []) {
      const source = String(volume).split(":")[0];
      if (source.startsWith("./") && !fs.existsSync(path.join(repo, source))) {
        problem(at, `mounts ${source}, which does not exist${source.includes("mosquitto") ? " (the secured broker configuration)" : ""}`);
      }
    }
  }
  for (const image of IMAGES) {
    if (!composeImages.has(IMAGE_REPOSITORY + image)) problem("docker-compose.yml", `runs no ${IMAGE_REPOSITORY}${image} image`);
  }
  for (const image of imagesInK8s) {
    if (!composeImages.has(image)) problem("docker-compose.yml", `k8s uses ${image}, which compose does not build`);
  }
  for (const service of SERVICES) {
    const dockerfile = path.join(repo, service, "src/main/docker/Dockerfile.jvm");
    if (!fs.existsSync(dockerfile)) {
      problem(rel(dockerfile), "does not exist");
      continue;
    }
    const text = fs.readFileSync(dockerfile, "utf8");
    if (!/^FROM registry\.access\.redhat\.com\/ubi9\/openjdk-17-runtime:/m.test(text)) problem(rel(dockerfile), "is not based on ubi9/openjdk-17-runtime");
    if (!text.includes("target/quarkus-app/")) problem(rel(dockerfile), "does not copy the fast-jar (target/quarkus-app/)");
    if (!text.includes(`${IMAGE_REPOSITORY}${service}:`)) problem(rel(dockerfile), `does not document its image name ${IMAGE_REPOSITORY}${service}`);
  }
  log(`docker-compose.yml: ${Object.keys(services).length} services, images ${[...composeImages].map((i) => i.slice(IMAGE_REPOSITORY.length)).join(", ")}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The broker's configuration: what compose mounts and the ConfigMap generator ships must be the same files.
function checkBrokerConfig() {
  const dir = path.join(repo, "deploy/mosquitto");
  const conf = path.join(dir, "mosquitto.conf");
  if (!fs.existsSync(conf)) {
    problem(rel(conf), "does not exist (the secured broker configuration)");
    return;
  }
  const [kustomization] = readYamlDocuments(path.join(dir, "kustomization.yaml"));
  const generated = new Set((kustomization.configMapGenerator ?? []).flatMap((g) => g.files ?? [])
    .map((f) => (f.includes("=") ? f.split("=")[0] : path.basename(f))));
  const lines = fs.readFileSync(conf, "utf8").split(/\r?\n/).filter((l) => !/^\s*#/.test(l));
  for (const line of lines) {
    for (const [, file] of line.matchAll(/\/mosquitto\/config\/([^\s]+)/g)) {
      if (!generated.has(file)) problem("deploy/mosquitto/kustomization.yaml", `mosquitto.conf reads /mosquitto/config/${file}, which the ConfigMap does not contain`);
      if (!fs.existsSync(path.join(dir, file))) problem(rel(conf), `reads /mosquitto/config/${file}, which is not in deploy/mosquitto/`);
    }
  }
  const listeners = lines.map((l) => l.match(/^\s*listener\s+(\d+)/)).filter(Boolean).map((m) => Number(m[1]));
  if (!listeners.includes(1883)) problem(rel(conf), "has no listener on 1883, the port compose and the manifests use");
  if (!generated.has("mosquitto.conf")) problem("deploy/mosquitto/kustomization.yaml", "does not ship mosquitto.conf");
  log(`deploy/mosquitto/mosquitto.conf: listeners ${listeners.join(", ")}; ConfigMap mosquitto-config ships ${[...generated].join(", ")}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The Grafana dashboard's metrics against the meters the code registers.
function walk(dir, accept, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "target", ".git", "rendered"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, accept, out);
    else if (accept(full)) out.push(full);
  }
  return out;
}

function codeMeters() {
  const sources = walk(repo, (f) => f.endsWith(".java") && f.includes(`${path.sep}src${path.sep}main${path.sep}java${path.sep}`));
  const properties = walk(repo, (f) => f.endsWith(`${path.sep}application.properties`) && f.includes(`${path.sep}src${path.sep}main${path.sep}`));
  const fleetServices = new Set();
  for (const f of properties) {
    for (const [, service] of fs.readFileSync(f, "utf8").matchAll(/^\s*sh\.fleet\.service\s*=\s*([a-z0-9-]+)\s*$/gm)) fleetServices.add(service);
  }
  const names = new Set();
  const tags = new Set();
  for (const f of sources) {
    const text = fs.readFileSync(f, "utf8");
    for (const [, name] of text.matchAll(/"(sh\.[a-z0-9_.]+)"/g)) names.add(name);
    // Meters named after the consuming service: builder(prefix + "events.applied"), prefix = "sh." + service + "."
    if (/"sh\."\s*\+/.test(text)) {
      for (const [, suffix] of text.matchAll(/\(\s*prefix\s*\+\s*"([a-z0-9_.]+)"/g)) {
        for (const service of fleetServices) names.add(`sh.${service}.${suffix}`);
      }
    }
    // Tag keys: .tag("clinic", ...), counter(NAME, "reason", ..., "kind", ...), Tags.of("k", v)
    for (const [, key] of text.matchAll(/\.tag\(\s*"([a-zA-Z_][a-zA-Z0-9_]*)"/g)) tags.add(key);
    for (const [, args] of text.matchAll(/\.(?:counter|timer|gauge|summary)\(([^;]*?)\)/gs)) {
      const strings = [...args.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      const first = strings[0]?.startsWith("sh.") ? 1 : 0;
      for (let i = first; i < strings.length; i += 2) tags.add(strings[i]);
    }
  }
  const prometheus = new Set();
  for (const name of names) {
    const base = name.replace(/\./g, "_");
    for (const unit of ["", "_seconds"]) {
      for (const suffix of ["", "_total", "_bucket", "_count", "_sum", "_max"]) prometheus.add(base + unit + suffix);
    }
  }
  return { prometheus, tags, sources: sources.length, fleetServices };
}

const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"]);
const BUILTIN_LABELS = new Set(["le", "quantile", "job", "instance", "namespace", "pod", "service", "container", "endpoint", "__name__"]);

function checkDashboard() {
  const file = path.join(repo, "deploy/grafana/second-heart.json");
  if (!fs.existsSync(file)) {
    problem(rel(file), "does not exist");
    return;
  }
  let dashboard;
  try {
    dashboard = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    problem(rel(file), `is not JSON: ${e.message}`);
    return;
  }
  const { prometheus, tags, sources, fleetServices } = codeMeters();
  const queries = [];
  const collect = (panels, where) => {
    for (const panel of panels ?? []) {
      for (const t of panel.targets ?? []) {
        if (t.expr !== undefined) queries.push({ where: `panel "${panel.title}"`, expr: t.expr });
      }
      collect(panel.panels, where);
    }
  };
  collect(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    const q = typeof v.query === "string" ? v.query : v.query?.query;
    if (v.type === "query" && q) queries.push({ where: `variable ${v.name}`, expr: q });
  }
  const used = new Set();
  const uids = new Set();
  for (const panel of dashboard.panels ?? []) {
    if (uids.has(panel.id)) problem(rel(file), `panel id ${panel.id} is used twice`);
    uids.add(panel.id);
  }
  for (const { where, expr } of queries) {
    if (!where.startsWith("variable ")) {
      // Prometheus's own PromQL grammar; Grafana's interval variables stand in as durations.
      const query = expr.replace(/\$__(rate_interval|interval|range)/g, "5m");
      let error;
      promql.parse(query).iterate({ enter: (n) => { if (n.type.isError && error === undefined) error = n.from; } });
      if (error !== undefined) problem(rel(file), `${where}: not valid PromQL at character ${error}: ${expr}`);
    }
    const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\$\{?[A-Za-z_]+\}?/g, "");
    const metrics = [...withoutStrings.matchAll(/\b(sh_[a-z0-9_]+)\b/g)].map((m) => m[1]);
    if (!metrics.length) problem(rel(file), `${where} queries no sh_* metric: ${expr}`);
    for (const metric of metrics) {
      used.add(metric);
      if (!prometheus.has(metric)) problem(rel(file), `${where} queries ${metric}, which no meter in the code registers`);
    }
    const labels = new Set();
    for (const [, inside] of withoutStrings.matchAll(/\{([^}]*)\}/g)) {
      for (const [, label] of inside.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) labels.add(label);
    }
    for (const [, list] of withoutStrings.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
      for (const label of list.split(",").map((s) => s.trim()).filter(Boolean)) labels.add(label);
    }
    for (const [, label] of withoutStrings.matchAll(/label_values\([^,]*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/g)) labels.add(label);
    for (const label of labels) {
      if (!BUILTIN_LABELS.has(label) && !PROMQL_WORDS.has(label) && !tags.has(label)) {
        problem(rel(file), `${where} uses the label ${label}, which no meter in the code tags`);
      }
    }
  }
  log(`deploy/grafana/second-heart.json: ${queries.length} queries over ${used.size} metrics, each registered in the code `
    + `(${sources} Java sources scanned; fleet consumers: ${[...fleetServices].join(", ") || "none"})`);
}

// ---------------------------------------------------------------------------------------------------------------
// booking-service's messaging settings (docs/messaging.md): every SH_MESSAGING_* name a deployment sets is a key of
// MessagingConfig (so a typo cannot silently leave a channel off), credentials and webhook signing secrets come from
// a Secret (never a literal or a ConfigMap), and where a webhook secret is set the public URL is https and an Ingress
// routes the provider's webhook paths to booking-service.
const MESSAGING_SECRETS = ["SH_MESSAGING_WHATSAPP_ACCESS_TOKEN", "SH_MESSAGING_WHATSAPP_APP_SECRET",
  "SH_MESSAGING_WHATSAPP_VERIFY_TOKEN", "SH_MESSAGING_SMS_AUTH_TOKEN", "SH_MESSAGING_EMAIL_SMTP_USERNAME",
  "SH_MESSAGING_EMAIL_SMTP_PASSWORD"];
const WEBHOOK_PATHS = ["/webhooks/whatsapp", "/webhooks/sms", "/webhooks/sms/status"];

function messagingSettings() {
  const file = path.join(repo, "booking-service/src/main/java/com/secondheart/booking/messaging/config/MessagingConfig.java");
  const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
  const names = new Set();
  const groups = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const group = line.match(/^\s+interface\s+(\w+)\s*\{/);
    if (group) { groups.push(group[1]); continue; }
    const method = line.match(/^\s+[\w<>, ]+\s+(\w+)\(\);/);
    if (method) {
      const nested = groups.length ? `${snake(groups[groups.length - 1]).replace(/_/g, "")}_` : "";
      names.add(`SH_MESSAGING_${nested}${snake(method[1])}`);
    }
  }
  // Top-level methods that return a group are not settings themselves.
  for (const g of groups) names.delete(`SH_MESSAGING_${snake(g).replace(/_/g, "")}`);
  return names;
}

function checkMessaging(name, objects) {
  const where = `k8s/overlays/${name}`;
  const known = messagingSettings();
  const configMaps = new Map(objects.filter((o) => o.kind === "ConfigMap").map((o) => [o.metadata.name, o]));
  const booking = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "booking-service");
  const c = booking && podSpec(booking).containers.find((x) => x.name === "booking-service");
  if (!c) {
    problem(where, "has no booking-service container");
    return;
  }
  const at = `${where} ${describe(booking)} container ${c.name}`;
  const set = new Map();
  for (const source of c.envFrom ?? []) {
    for (const [k, v] of Object.entries(source.configMapRef ? configMaps.get(source.configMapRef.name)?.data ?? {} : {})) {
      if (k.startsWith("SH_MESSAGING_")) set.set(k, { value: v, from: `ConfigMap ${source.configMapRef.name}` });
    }
  }
  for (const e of c.env ?? []) {
    if (e.name.startsWith("SH_MESSAGING_")) set.set(e.name, { value: e.value, secret: !!e.valueFrom?.secretKeyRef, from: "env" });
  }
  for (const [k, v] of set) {
    if (!known.has(k)) problem(at, `sets ${k}, which is no setting of MessagingConfig`);
    if (MESSAGING_SECRETS.includes(k) && !v.secret) problem(at, `${k} comes from ${v.from}, not from a Secret`);
  }
  for (const k of MESSAGING_SECRETS) {
    if (!set.has(k)) problem(at, `does not take ${k} from a Secret: that channel could never be switched on`);
  }
  if (name === "production") {
    const publicUrl = set.get("SH_MESSAGING_PUBLIC_URL")?.value;
    if (!publicUrl || !publicUrl.startsWith("https://")) problem(at, `SH_MESSAGING_PUBLIC_URL is ${publicUrl ?? "unset"}: the providers need booking-service's public https address`);
    const host = publicUrl ? new URL(publicUrl).host : undefined;
    for (const wanted of WEBHOOK_PATHS) {
      const routed = objects.filter((o) => o.kind === "Ingress").some((ing) => (ing.spec?.rules ?? []).some((rule) => rule.host === host
        && (rule.http?.paths ?? []).some((p) => p.backend?.service?.name === "booking-service"
          && (p.pathType === "Exact" ? p.path === wanted : wanted === p.path || wanted.startsWith(`${p.path.replace(/\/$/, "")}/`)))));
      if (!routed) problem(where, `no Ingress routes ${host ?? "(no host)"}${wanted} to booking-service: the provider's webhooks would not arrive`);
    }
  }
  log(`${where}: booking-service messaging: ${set.size} SH_MESSAGING_* settings, each a MessagingConfig key; secrets from Secrets`);
}

function checkComposeMessaging() {
  const compose = YAML.parse(fs.readFileSync(path.join(repo, "docker-compose.yml"), "utf8"), { merge: true });
  const env = compose.services?.["booking-service"]?.environment ?? {};
  const known = messagingSettings();
  const at = "docker-compose.yml service booking-service";
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith("SH_MESSAGING_")) continue;
    if (!known.has(k)) problem(at, `sets ${k}, which is no setting of MessagingConfig`);
    if (MESSAGING_SECRETS.includes(k) && !/^\$\{[A-Z0-9_]+(:?-)?\}$/.test(String(v))) problem(at, `${k} must come from .env (\${${k}:-}), not be written here`);
  }
  for (const k of MESSAGING_SECRETS) if (!(k in env)) problem(at, `does not pass ${k} from .env`);
}

// ---------------------------------------------------------------------------------------------------------------
async function main() {
  // Every YAML file parses.
  const yamlFiles = [...walk(path.join(repo, "k8s"), (f) => /\.ya?ml$/.test(f)),
    ...walk(path.join(repo, "deploy"), (f) => /\.ya?ml$/.test(f)), path.join(repo, "docker-compose.yml")];
  for (const f of yamlFiles) {
    try {
      readYamlDocuments(f);
    } catch (e) {
      problem(rel(f), e.message);
    }
  }
  log(`${yamlFiles.length} YAML files parse`);

  const overlaysDir = path.join(repo, "k8s/overlays");
  const overlays = fs.readdirSync(overlaysDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const required of ["local", "production"]) {
    if (!overlays.includes(required)) problem("k8s/overlays", `has no ${required} overlay`);
  }
  const images = new Set();
  const kustomize = kubectlKustomize();
  if (kustomize.missing) {
    console.error(`deploy/validate: ${kustomize.missing}`);
    process.exit(1);
  }
  const outDir = path.join(here, "rendered");
  fs.mkdirSync(outDir, { recursive: true });
  for (const overlay of overlays) {
    let objects;
    try {
      objects = render(path.join(overlaysDir, overlay));
    } catch (e) {
      problem(`k8s/overlays/${overlay}`, e.message);
      continue;
    }
    for (const o of objects) await validateSchema(`k8s/overlays/${overlay}`, o);
    const workloads = checkOverlay(overlay, objects);
    checkMessaging(overlay, objects);
    for (const w of workloads) {
      for (const c of podContainers(w)) {
        const { name } = splitImage(c.image);
        if (name.startsWith(IMAGE_REPOSITORY)) images.add(name);
      }
    }
    fs.writeFileSync(path.join(outDir, `${overlay}.yaml`), objects.map((o) => YAML.stringify(o)).join("---\n"));
    const kinds = {};
    for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    log(`k8s/overlays/${overlay}: ${objects.length} objects validated (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ")}); `
      + `rendered by kubectl kustomize (kustomize ${kustomize.version}) to ${rel(path.join(outDir, `${overlay}.yaml`))}`);
  }
  checkCompose(images);
  checkComposeMessaging();
  checkBrokerConfig();
  checkDashboard();

  if (problems.length) {
    console.error(`\n${problems.length} problem(s):`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  log("all deployment checks passed");
}

await main();
