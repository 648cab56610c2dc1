// The subset of kustomize that k8s/ uses, so that CI can render every overlay offline with nothing but Node.
// It refuses any field it does not implement (rather than rendering something kustomize would render differently):
//   resources (files and directories), namespace, labels (pairs, includeSelectors, includeTemplates), images
//   (name, newName, newTag, digest), configMapGenerator / secretGenerator (files, literals, envs, options.labels and
//   options.annotations; behavior create or merge) with generatorOptions.disableNameSuffixHash: true, and patches
//   from files, one patch per file as kustomize requires: a strategic merge patch (target taken from the patch, or
//   given: kind, name as an anchored regular expression, group, version) or a JSON 6902 patch (with a target).
// Strategic merge follows Kubernetes' rules for the lists used here: containers, initContainers, env, volumes
// and imagePullSecrets merge by name, volumeMounts by mountPath, container ports by containerPort; other lists
// are replaced; a null value deletes the key. Custom resources (no strategic merge metadata) get a JSON merge patch.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const KNOWN_FIELDS = new Set([
  "apiVersion", "kind", "resources", "namespace", "labels", "images", "configMapGenerator", "secretGenerator",
  "generatorOptions", "patches",
]);

const BUILTIN_GROUPS = new Set(["", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io",
  "storage.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io"]);

const MERGE_KEYS = {
  containers: "name", initContainers: "name", ephemeralContainers: "name", env: "name", volumes: "name",
  imagePullSecrets: "name", volumeMounts: "mountPath", ports: "containerPort",
};

export class KustomizeError extends Error {}

export function readYamlDocuments(file) {
  const text = fs.readFileSync(file, "utf8");
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      throw new KustomizeError(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    }
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function group(apiVersion) {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

function clone(value) {
  return value === undefined ? undefined : structuredClone(value);
}

/** Renders the kustomization in dir; returns its objects in order. */
export function build(dir, seen = []) {
  const root = path.resolve(dir);
  if (seen.includes(root)) throw new KustomizeError(`cycle: ${[...seen, root].join(" -> ")}`);
  const file = ["kustomization.yaml", "kustomization.yml", "Kustomization"].map((f) => path.join(root, f))
    .find((f) => fs.existsSync(f));
  if (!file) throw new KustomizeError(`${root}: no kustomization.yaml`);
  const [k] = readYamlDocuments(file);
  for (const key of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(key)) throw new KustomizeError(`${file}: field '${key}' is not supported by kustomize-lite`);
  }
  if (k.kind && k.kind !== "Kustomization") throw new KustomizeError(`${file}: kind ${k.kind} is not supported`);

  let objects = [];
  for (const entry of k.resources ?? []) {
    const target = path.resolve(root, entry);
    if (!fs.existsSync(target)) throw new KustomizeError(`${file}: resource ${entry} does not exist`);
    if (fs.statSync(target).isDirectory()) {
      objects.push(...build(target, [...seen, root]));
    } else {
      objects.push(...readYamlDocuments(target));
    }
  }

  const options = k.generatorOptions ?? {};
  for (const key of Object.keys(options)) {
    if (key !== "disableNameSuffixHash") throw new KustomizeError(`${file}: generatorOptions.${key} is not supported`);
  }
  const generated = [
    ...(k.configMapGenerator ?? []).map((g) => generate(root, file, g, "ConfigMap", options)),
    ...(k.secretGenerator ?? []).map((g) => generate(root, file, g, "Secret", options)),
  ];
  for (const object of generated) {
    const existing = objects.find((o) => o.kind === object.kind && o.metadata.name === object.metadata.name);
    if (object.__behavior === "merge") {
      if (!existing) throw new KustomizeError(`${file}: ${object.kind} ${object.metadata.name} to merge does not exist`);
      existing.data = { ...(existing.data ?? {}), ...(object.data ?? {}) };
    } else {
      if (existing) throw new KustomizeError(`${file}: ${object.kind} ${object.metadata.name} is generated twice`);
      objects.push(object);
    }
    delete object.__behavior;
  }

  for (const patch of k.patches ?? []) {
    objects = applyPatch(root, file, patch, objects);
  }

  if (k.namespace) {
    for (const o of objects) {
      if (o.kind === "Namespace") continue;
      if (isClusterScoped(o)) continue;
      o.metadata.namespace = k.namespace;
    }
  }

  for (const spec of k.labels ?? []) {
    for (const key of Object.keys(spec)) {
      if (!["pairs", "includeSelectors", "includeTemplates"].includes(key)) {
        throw new KustomizeError(`${file}: labels.${key} is not supported`);
      }
    }
    if (spec.includeSelectors) throw new KustomizeError(`${file}: labels.includeSelectors: true is not supported`);
    for (const o of objects) {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), ...spec.pairs };
      const template = o.spec?.template ?? o.spec?.jobTemplate?.spec?.template;
      if (spec.includeTemplates && template && ["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "CronJob"].includes(o.kind)) {
        template.metadata = template.metadata ?? {};
        template.metadata.labels = { ...(template.metadata.labels ?? {}), ...spec.pairs };
      }
      if (spec.includeTemplates && o.kind === "StatefulSet") {
        for (const claim of o.spec?.volumeClaimTemplates ?? []) {
          claim.metadata = claim.metadata ?? {};
          claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...spec.pairs };
        }
      }
    }
  }

  for (const image of k.images ?? []) {
    for (const key of Object.keys(image)) {
      if (!["name", "newName", "newTag", "digest"].includes(key)) throw new KustomizeError(`${file}: images.${key} is not supported`);
    }
    for (const o of objects) {
      for (const c of podContainers(o)) {
        const { name, tag } = splitImage(c.image);
        if (name !== image.name) continue;
        const newName = image.newName ?? name;
        c.image = image.digest ? `${newName}@${image.digest}` : `${newName}:${image.newTag ?? tag ?? "latest"}`;
      }
    }
  }
  return objects;
}

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
  "PersistentVolume", "StorageClass", "PriorityClass", "ClusterSecretStore", "IngressClass"]);

function isClusterScoped(o) {
  return CLUSTER_SCOPED.has(o.kind);
}

export function splitImage(image) {
  const at = image.indexOf("@");
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon > slash) return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { name: withoutDigest, tag: undefined };
}

export function podSpec(o) {
  if (o.kind === "Pod") return o.spec;
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

export function podContainers(o) {
  const spec = podSpec(o);
  if (!spec) return [];
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

function generate(root, file, g, kind, options) {
  for (const key of Object.keys(g)) {
    if (!["name", "files", "literals", "envs", "behavior", "type", "options"].includes(key)) {
      throw new KustomizeError(`${file}: ${kind} generator field '${key}' is not supported`);
    }
  }
  if (!options.disableNameSuffixHash) {
    throw new KustomizeError(`${file}: generators need generatorOptions.disableNameSuffixHash: true in kustomize-lite`);
  }
  const data = {};
  const put = (key, value) => {
    if (key in data) throw new KustomizeError(`${file}: ${kind} ${g.name} has key ${key} twice`);
    data[key] = value;
  };
  for (const entry of g.files ?? []) {
    const [key, rel] = entry.includes("=") ? entry.split("=", 2) : [path.basename(entry), entry];
    const source = path.resolve(root, rel);
    if (!source.startsWith(root + path.sep)) {
      throw new KustomizeError(`${file}: ${rel} is outside the kustomization's directory (kustomize refuses it)`);
    }
    if (!fs.existsSync(source)) throw new KustomizeError(`${file}: ${kind} ${g.name}: file ${rel} does not exist`);
    put(key, fs.readFileSync(source, "utf8"));
  }
  for (const literal of g.literals ?? []) {
    const i = literal.indexOf("=");
    put(literal.slice(0, i), literal.slice(i + 1));
  }
  for (const rel of g.envs ?? []) {
    const source = path.resolve(root, rel);
    if (!fs.existsSync(source)) throw new KustomizeError(`${file}: ${kind} ${g.name}: env file ${rel} does not exist`);
    for (const line of fs.readFileSync(source, "utf8").split(/\r?\n/)) {
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith("#")) continue;
      const i = trimmed.indexOf("=");
      if (i <= 0) throw new KustomizeError(`${source}: not KEY=value: ${line}`);
      put(trimmed.slice(0, i), trimmed.slice(i + 1));
    }
  }
  for (const key of Object.keys(g.options ?? {})) {
    if (!["labels", "annotations"].includes(key)) throw new KustomizeError(`${file}: ${kind} ${g.name}: options.${key} is not supported`);
  }
  const object = { apiVersion: "v1", kind, metadata: { name: g.name } };
  if (g.options?.labels) object.metadata.labels = { ...g.options.labels };
  if (g.options?.annotations) object.metadata.annotations = { ...g.options.annotations };
  if (kind === "Secret") {
    object.type = g.type ?? "Opaque";
    object.data = Object.fromEntries(Object.entries(data).map(([key, v]) => [key, Buffer.from(v).toString("base64")]));
  } else {
    object.data = data;
  }
  object.__behavior = g.behavior ?? "create";
  if (!["create", "merge"].includes(object.__behavior)) {
    throw new KustomizeError(`${file}: generator behavior ${object.__behavior} is not supported`);
  }
  return object;
}

function matches(o, target) {
  if (!target) return true;
  for (const key of Object.keys(target)) {
    if (!["group", "version", "kind", "name"].includes(key)) throw new KustomizeError(`patch target.${key} is not supported`);
  }
  if (target.kind && o.kind !== target.kind) return false;
  if (target.name && !new RegExp(`^(?:${target.name})$`).test(o.metadata?.name ?? "")) return false;
  if (target.group !== undefined && group(o.apiVersion) !== target.group) return false;
  if (target.version && o.apiVersion.split("/").pop() !== target.version) return false;
  return true;
}

function applyPatch(root, file, patch, objects) {
  for (const key of Object.keys(patch)) {
    if (!["path", "target"].includes(key)) throw new KustomizeError(`${file}: patches[].${key} is not supported (use path)`);
  }
  const source = path.resolve(root, patch.path);
  if (!fs.existsSync(source)) throw new KustomizeError(`${file}: patch ${patch.path} does not exist`);
  const docs = readYamlDocuments(source);
  if (docs.length === 1 && Array.isArray(docs[0])) {
    if (!patch.target) throw new KustomizeError(`${source}: a JSON 6902 patch needs a target`);
    const hits = objects.filter((o) => matches(o, patch.target));
    if (!hits.length) throw new KustomizeError(`${source}: the target matches no object`);
    for (const o of hits) jsonPatch(o, docs[0], source);
    return objects;
  }
  if (docs.length !== 1) throw new KustomizeError(`${source}: ${docs.length} patches in one file; kustomize's patches field takes one`);
  for (const p of docs) {
    const target = patch.target ?? { kind: p.kind, name: p.metadata?.name };
    const hits = objects.filter((o) => matches(o, target) && o.kind === p.kind);
    if (!hits.length) throw new KustomizeError(`${source}: ${p.kind} ${p.metadata?.name} matches no object`);
    for (const o of hits) {
      const strategic = BUILTIN_GROUPS.has(group(o.apiVersion));
      const { metadata, ...rest } = p;
      const patchBody = { ...rest, metadata: { ...metadata } };
      delete patchBody.metadata.name;
      delete patchBody.apiVersion;
      delete patchBody.kind;
      mergeInto(o, patchBody, strategic, "");
    }
  }
  return objects;
}

function mergeInto(target, patch, strategic, key) {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete target[k];
    } else if (Array.isArray(v)) {
      const mergeKey = strategic ? MERGE_KEYS[k] : undefined;
      if (mergeKey && Array.isArray(target[k]) && v.every((e) => e && typeof e === "object" && mergeKey in e)) {
        for (const element of v) {
          const existing = target[k].find((e) => e[mergeKey] === element[mergeKey]);
          if (existing) mergeInto(existing, element, strategic, k);
          else target[k].push(clone(element));
        }
      } else {
        target[k] = clone(v);
      }
    } else if (typeof v === "object") {
      if (!target[k] || typeof target[k] !== "object" || Array.isArray(target[k])) target[k] = {};
      mergeInto(target[k], v, strategic, k);
    } else {
      target[k] = v;
    }
  }
}

function pointer(p) {
  return p.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function jsonPatch(o, ops, source) {
  for (const op of ops) {
    const parts = pointer(op.path);
    const last = parts.pop();
    let parent = o;
    for (const part of parts) {
      if (parent[part] === undefined) {
        if (op.op !== "add") throw new KustomizeError(`${source}: ${op.path} does not exist in ${o.kind} ${o.metadata.name}`);
        parent[part] = {};
      }
      parent = parent[part];
    }
    switch (op.op) {
      case "add":
        if (Array.isArray(parent)) parent.splice(last === "-" ? parent.length : Number(last), 0, clone(op.value));
        else parent[last] = clone(op.value);
        break;
      case "replace":
        if (!(last in parent)) throw new KustomizeError(`${source}: ${op.path} does not exist in ${o.kind} ${o.metadata.name}`);
        parent[last] = clone(op.value);
        break;
      case "remove":
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
        break;
      default:
        throw new KustomizeError(`${source}: JSON patch op ${op.op} is not supported`);
    }
  }
}
