#!/usr/bin/env python3
"""The demo's stand-in for the kubelet: runs one container of the pod the API server describes, on this host.

No cluster runs here, so the demo plays the kubelet with exactly what the operator wrote into the API server:
the Deployment's pod template, the ConfigMaps it mounts and the Secrets it references (`kubectl get -o json`,
saved in OBJECTS). Every pod volume gets a host directory under ROOT:
  persistentVolumeClaim -> ROOT/pvc/<claimName>           (shared by every container, like a real volume)
  emptyDir              -> ROOT/emptydir/<volume>
  configMap / secret    -> ROOT/projected/<container>/<volume>, one file per key (only `items` when listed)
Every mountPath in the container's command, args and env values (and in a projected litestream.yml) is replaced
by its host directory, whole paths only, in one pass. Litestream's metrics address ":PORT" (every interface of
the pod's own network namespace) becomes 127.0.0.1:METRICS_PORT, so the demo listens on loopback only.

  kubelet.py OBJECTS ROOT exec CONTAINER [ARG...]   exec the container (ARGs replace its args, in pod paths)
  kubelet.py OBJECTS ROOT show CONTAINER            print its command line and env sources (never a value)
  kubelet.py OBJECTS ROOT host-path CONTAINER PATH  print the host path of a path inside the container

Options from the environment: KUBELET_ENTRYPOINTS "image=program,..." for images run without `command`
(the Litestream image's entrypoint is litestream); KUBELET_METRICS_PORT (default 9090).
Errors name objects, keys and volumes, never a Secret value.
"""
import base64
import json
import os
import re
import shlex
import sys

LITESTREAM_CONFIG_KEY = "litestream.yml"
PATH_CHARS = re.compile(r"[A-Za-z0-9._~+@%/-]")


class PodError(Exception):
    pass


class Pod:
    def __init__(self, objects_file, root):
        items = json.load(open(objects_file))["items"]
        deployments = [o for o in items if o["kind"] == "Deployment"]
        if len(deployments) != 1:
            raise PodError("expected one Deployment in %s, found %d" % (objects_file, len(deployments)))
        self.spec = deployments[0]["spec"]["template"]["spec"]
        self.config_maps = {o["metadata"]["name"]: o for o in items if o["kind"] == "ConfigMap"}
        self.secrets = {o["metadata"]["name"]: o for o in items if o["kind"] == "Secret"}
        self.root = root

    def container(self, name):
        for c in self.spec.get("initContainers", []) + self.spec.get("containers", []):
            if c["name"] == name:
                return c
        raise PodError("the pod has no container named " + name)

    def volume(self, name):
        for v in self.spec.get("volumes", []):
            if v["name"] == name:
                return v
        raise PodError("a volumeMount names volume %s, which the pod does not have" % name)

    def volume_dir(self, container, volume):
        if "persistentVolumeClaim" in volume:
            path = os.path.join(self.root, "pvc", volume["persistentVolumeClaim"]["claimName"])
        elif "emptyDir" in volume:
            path = os.path.join(self.root, "emptydir", volume["name"])
        elif "configMap" in volume or "secret" in volume:
            path = os.path.join(self.root, "projected", container, volume["name"])
        else:
            raise PodError("volume %s uses a source the demo kubelet does not support" % volume["name"])
        os.makedirs(path, exist_ok=True)
        return path

    def mounts(self, container):
        """[(pod path, host dir)], longest pod path first; projects configMap/secret volumes as files."""
        table = []
        for m in container.get("volumeMounts", []):
            host = self.volume_dir(container["name"], self.volume(m["name"]))
            if m.get("subPath"):
                host = os.path.join(host, m["subPath"])
            table.append((m["mountPath"], host))
        table.sort(key=lambda mount: len(mount[0]), reverse=True)
        for m in container.get("volumeMounts", []):
            self.project(container["name"], self.volume(m["name"]), table)
        return table

    def data_of(self, kind, name):
        store = self.secrets if kind == "Secret" else self.config_maps
        if name not in store:
            raise PodError("%s %s is not in the API server" % (kind, name))
        data = store[name].get("data", {})
        if kind == "Secret":
            return {key: base64.b64decode(value).decode() for key, value in data.items()}
        return dict(data)

    def project(self, container, volume, table):
        kind, source = ("Secret", volume.get("secret")) if "secret" in volume else ("ConfigMap", volume.get("configMap"))
        if source is None:
            return
        name = source.get("secretName") if kind == "Secret" else source.get("name")
        data = self.data_of(kind, name)
        files = [(i["key"], i["path"]) for i in source["items"]] if "items" in source else [(k, k) for k in data]
        directory = self.volume_dir(container, volume)
        for key, path in files:
            if key not in data:
                raise PodError("%s %s has no key %s" % (kind, name, key))
            text = data[key]
            if kind == "ConfigMap" and key == LITESTREAM_CONFIG_KEY:
                text = loopback_metrics(rewrite(text, table))
            target = os.path.join(directory, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as f:
                f.write(text)
            os.chmod(target, 0o600 if kind == "Secret" else 0o644)

    def argv(self, container, table, override_args):
        if "command" in container:
            command = list(container["command"])
        else:
            entrypoints = dict(e.split("=", 1) for e in os.environ.get("KUBELET_ENTRYPOINTS", "").split(",") if e)
            if container["image"] not in entrypoints:
                raise PodError("no host program for image %s (KUBELET_ENTRYPOINTS)" % container["image"])
            command = [entrypoints[container["image"]]]
        args = override_args if override_args else container.get("args", [])
        return [command[0]] + [rewrite(a, table) for a in command[1:] + list(args)]

    def env(self, container, table):
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin"}  # what the images set
        for e in container.get("env", []):
            if "value" in e:
                env[e["name"]] = rewrite(e["value"], table)
                continue
            ref = e.get("valueFrom", {})
            kind, key_ref = ("Secret", ref["secretKeyRef"]) if "secretKeyRef" in ref else ("ConfigMap", ref.get("configMapKeyRef"))
            if key_ref is None:
                raise PodError("env %s has a source the demo kubelet does not support" % e["name"])
            data = self.data_of(kind, key_ref["name"])
            if key_ref["key"] not in data:
                raise PodError("%s %s has no key %s" % (kind, key_ref["name"], key_ref["key"]))
            env[e["name"]] = data[key_ref["key"]]
        return env


def rewrite(text, table):
    """Replaces each mount path that starts a whole path in text; replaced text is never looked at again."""
    out, i = [], 0
    while i < len(text):
        at_boundary = i == 0 or not PATH_CHARS.match(text[i - 1])
        hit = None
        if at_boundary and text[i] == "/":
            for pod_path, host in table:
                end = i + len(pod_path)
                if text.startswith(pod_path, i) and (end == len(text) or text[end] == "/" or not PATH_CHARS.match(text[end])):
                    hit = (pod_path, host)
                    break
        if hit:
            out.append(hit[1])
            i += len(hit[0])
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def loopback_metrics(config):
    port = os.environ.get("KUBELET_METRICS_PORT", "9090")
    return re.sub(r'^addr: ":\d+"', 'addr: "127.0.0.1:%s"' % port, config, count=1, flags=re.M)


def show(container):
    words = [shlex.quote(a) if "\n" not in a else "'<script>'" for a in container.get("command", []) + container.get("args", [])]
    if "command" not in container:
        words.insert(0, "[%s entrypoint]" % container["image"])
    print(" ".join(words))
    for e in container.get("env", []):
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        print("  env %s <- %s" % (e["name"], "Secret %s key %s" % (ref["name"], ref["key"]) if ref else "a plain value"))


def main(argv):
    if len(argv) < 4:
        raise PodError("usage: kubelet.py OBJECTS ROOT exec|show|host-path CONTAINER [ARG...]")
    objects, root, action, name = argv[:4]
    pod = Pod(objects, root)
    container = pod.container(name)
    if action == "show":
        show(container)
    elif action == "host-path":
        print(rewrite(argv[4], pod.mounts(container)))
    elif action == "exec":
        table = pod.mounts(container)
        command = pod.argv(container, table, argv[4:])
        env = pod.env(container, table)
        sys.stdout.flush()
        os.execvpe(command[0], command, env)
    else:
        raise PodError("unknown action " + action)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except (PodError, OSError, KeyError, ValueError) as e:
        print("kubelet: %s" % e, file=sys.stderr)
        sys.exit(1)
