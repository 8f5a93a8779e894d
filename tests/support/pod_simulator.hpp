// A stand-in for the kubelet, so end-to-end tests run exactly the commands the renderer put into a pod.
//
// Given the rendered objects (the Deployment and its ConfigMaps) plus the Secrets and ConfigMaps they
// reference, the simulator gives every pod volume a host directory under a scratch root:
//   persistentVolumeClaim -> <root>/pvc/<claimName>       (shared by every container, like a real volume)
//   emptyDir              -> <root>/emptydir/<volume>
//   secret / configMap    -> <root>/projected/<container>/<volume>, files written from the object's keys
//                            (only `items` when listed), one copy per container (they are read-only)
// and for one container returns its argv (command + args, or the image's entrypoint + args) and env (plain
// values, secretKeyRef / configMapKeyRef resolved) with every mountPath of that container replaced by its
// host directory, longest mount first. Litestream's config file (ConfigMap key litestream.yml) gets the same
// rewrite when it is projected, since it names the database and replica paths inside the pod, and its
// metrics `addr: ":PORT"` (every interface of the pod's own network namespace) becomes 127.0.0.1:PORT, the
// host's equivalent of a private network namespace, so tests listen on loopback only.
//
// Anything the simulator does not understand (a volume source, a valueFrom kind, a missing Secret key) is an
// exception naming the object and key, never a value.
#pragma once

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/render/names.hpp"
#include "sqlite_operator/base64.hpp"
#include "sqlite_operator/json.hpp"
#include "tests/support/process.hpp"

namespace sqlop::testing {

// What the simulator needs to run one container on the host.
struct ContainerRun {
  std::vector<std::string> argv;
  Environment env;
};

struct PodInputs {
  std::vector<json::Value> rendered;                   // render output: the Deployment and its ConfigMap(s)
  std::map<std::string, json::Value> secrets;          // referenced Secrets by name (data base64-encoded)
  std::map<std::string, json::Value> config_maps;      // referenced ConfigMaps by name
  std::map<std::string, std::string> entrypoints;      // image -> host program, for containers without command
  std::filesystem::path root;                          // scratch directory for the volumes
};

class PodSimulator {
 public:
  explicit PodSimulator(PodInputs inputs) : in_(std::move(inputs)) {
    for (const json::Value& o : in_.rendered) {
      const std::string kind = o.get_string("kind");
      if (kind == "Deployment") pod_ = o.find_path({"spec", "template", "spec"});
      if (kind == "ConfigMap") in_.config_maps[o.find_path({"metadata", "name"})->as_string()] = o;
    }
    if (!pod_) throw std::runtime_error("pod simulator: the rendered objects hold no Deployment");
    for (const char* dir : {"pvc", "emptydir", "projected"}) std::filesystem::create_directories(in_.root / dir);
  }
  PodSimulator(const PodSimulator&) = delete;  // pod_ points into in_
  PodSimulator& operator=(const PodSimulator&) = delete;

  // The host directory of a PersistentVolumeClaim (created on first use, like a provisioned volume).
  std::filesystem::path claim_dir(const std::string& claim_name) const {
    const std::filesystem::path dir = in_.root / "pvc" / claim_name;
    std::filesystem::create_directories(dir);
    return dir;
  }

  // Materialises the container's volumes and returns what to run.
  ContainerRun container(const std::string& name) const {
    const json::Value& c = find_container(name);
    const Mounts mounts = mount_table(c);
    ContainerRun run;
    run.argv = command_line(c, mounts);
    run.env = environment(c, mounts);
    return run;
  }

  // `pod_path` (a path inside container `name`) as a host path.
  std::string host_path(const std::string& container_name, const std::string& pod_path) const {
    return rewrite(pod_path, mount_table(find_container(container_name)));
  }

 private:
  struct Mount {
    std::string pod_path;
    std::filesystem::path host_dir;
  };
  using Mounts = std::vector<Mount>;  // longest pod path first

  const json::Value& find_container(const std::string& name) const {
    for (const char* list : {"initContainers", "containers"}) {
      if (const json::Value* cs = pod_->find(list)) {
        for (const json::Value& c : cs->as_array()) {
          if (c.get_string("name") == name) return c;
        }
      }
    }
    throw std::runtime_error("pod simulator: no container named " + name);
  }

  const json::Value& find_volume(const std::string& name) const {
    if (const json::Value* vs = pod_->find("volumes")) {
      for (const json::Value& v : vs->as_array()) {
        if (v.get_string("name") == name) return v;
      }
    }
    throw std::runtime_error("pod simulator: volumeMount names volume " + name + ", which the pod does not have");
  }

  Mounts mount_table(const json::Value& c) const {
    Mounts mounts;
    const json::Value* vms = c.find("volumeMounts");
    if (!vms) return mounts;
    // Plain host directories first, so a projected file that names a pod path can be rewritten.
    for (const json::Value& m : vms->as_array()) {
      std::filesystem::path dir = volume_dir(c.get_string("name"), find_volume(m.get_string("name")));
      if (const std::string sub = m.get_string("subPath"); !sub.empty()) dir /= sub;
      mounts.push_back({m.get_string("mountPath"), dir});
    }
    std::sort(mounts.begin(), mounts.end(),
              [](const Mount& a, const Mount& b) { return a.pod_path.size() > b.pod_path.size(); });
    for (const json::Value& m : vms->as_array()) {
      project(c.get_string("name"), find_volume(m.get_string("name")), mounts);
    }
    return mounts;
  }

  std::filesystem::path volume_dir(const std::string& container, const json::Value& volume) const {
    const std::string name = volume.get_string("name");
    std::filesystem::path dir;
    if (const json::Value* pvc = volume.find("persistentVolumeClaim")) {
      dir = claim_dir(pvc->get_string("claimName"));
    } else if (volume.find("emptyDir")) {
      dir = in_.root / "emptydir" / name;
    } else if (volume.find("secret") || volume.find("configMap")) {
      dir = in_.root / "projected" / container / name;
    } else {
      throw std::runtime_error("pod simulator: volume " + name + " uses a source it does not support");
    }
    std::filesystem::create_directories(dir);
    return dir;
  }

  // Writes a secret/configMap volume's files (items only, when listed).
  void project(const std::string& container, const json::Value& volume, const Mounts& mounts) const {
    const bool is_secret = volume.find("secret") != nullptr;
    const json::Value* source = volume.find(is_secret ? "secret" : "configMap");
    if (!source) return;
    const std::string object_name = source->get_string(is_secret ? "secretName" : "name");
    const std::map<std::string, std::string> data =
        is_secret ? secret_data(object_name) : config_map_data(object_name);
    std::vector<std::pair<std::string, std::string>> files;  // key -> file path in the volume
    if (const json::Value* items = source->find("items")) {
      for (const json::Value& item : items->as_array()) files.emplace_back(item.get_string("key"), item.get_string("path"));
    } else {
      for (const auto& entry : data) files.emplace_back(entry.first, entry.first);
    }
    const std::filesystem::path dir = volume_dir(container, volume);
    for (const auto& [key, path] : files) {
      const auto it = data.find(key);
      if (it == data.end()) {
        throw std::runtime_error("pod simulator: " + std::string(is_secret ? "Secret " : "ConfigMap ") + object_name +
                                 " has no key " + key);
      }
      const std::filesystem::path file = dir / path;
      std::filesystem::create_directories(file.parent_path());
      const bool is_litestream_config = !is_secret && key == render::kLitestreamConfigKey;
      std::ofstream(file, std::ios::binary | std::ios::trunc)
          << (is_litestream_config ? loopback_metrics(rewrite(it->second, mounts)) : it->second);
    }
  }

  std::map<std::string, std::string> secret_data(const std::string& name) const {
    const auto it = in_.secrets.find(name);
    if (it == in_.secrets.end()) throw std::runtime_error("pod simulator: Secret " + name + " was not supplied");
    std::map<std::string, std::string> out;
    if (const json::Value* data = it->second.find("data")) {
      for (const auto& [key, encoded] : data->as_object()) {
        const auto decoded = base64::decode(encoded.as_string());
        if (!decoded) throw std::runtime_error("pod simulator: Secret " + name + " key " + key + " is not base64");
        out[key] = *decoded;
      }
    }
    return out;
  }

  std::map<std::string, std::string> config_map_data(const std::string& name) const {
    const auto it = in_.config_maps.find(name);
    if (it == in_.config_maps.end()) throw std::runtime_error("pod simulator: ConfigMap " + name + " was not supplied");
    std::map<std::string, std::string> out;
    if (const json::Value* data = it->second.find("data")) {
      for (const auto& [key, value] : data->as_object()) out[key] = value.as_string();
    }
    return out;
  }

  std::vector<std::string> command_line(const json::Value& c, const Mounts& mounts) const {
    std::vector<std::string> argv;
    if (const json::Value* command = c.find("command")) {
      for (const json::Value& a : command->as_array()) argv.push_back(a.as_string());
    } else {
      const auto it = in_.entrypoints.find(c.get_string("image"));
      if (it == in_.entrypoints.end()) {
        throw std::runtime_error("pod simulator: no host entrypoint for image " + c.get_string("image"));
      }
      argv.push_back(it->second);
    }
    if (const json::Value* args = c.find("args")) {
      for (const json::Value& a : args->as_array()) argv.push_back(a.as_string());
    }
    for (std::size_t i = 1; i < argv.size(); ++i) argv[i] = rewrite(argv[i], mounts);
    return argv;
  }

  Environment environment(const json::Value& c, const Mounts& mounts) const {
    Environment env{{"PATH", "/usr/local/bin:/usr/bin:/bin"}};  // what the images set
    const json::Value* list = c.find("env");
    if (!list) return env;
    for (const json::Value& e : list->as_array()) {
      const std::string name = e.get_string("name");
      if (const json::Value* value = e.find("value")) {
        env[name] = rewrite(value->as_string(), mounts);
      } else if (const json::Value* ref = e.find_path({"valueFrom", "secretKeyRef"})) {
        env[name] = lookup(secret_data(ref->get_string("name")), "Secret " + ref->get_string("name"), ref->get_string("key"));
      } else if (const json::Value* cm = e.find_path({"valueFrom", "configMapKeyRef"})) {
        env[name] = lookup(config_map_data(cm->get_string("name")), "ConfigMap " + cm->get_string("name"), cm->get_string("key"));
      } else {
        throw std::runtime_error("pod simulator: env " + name + " has a source it does not support");
      }
    }
    return env;
  }

  static std::string lookup(const std::map<std::string, std::string>& data, const std::string& object,
                            const std::string& key) {
    const auto it = data.find(key);
    if (it == data.end()) throw std::runtime_error("pod simulator: " + object + " has no key " + key);
    return it->second;
  }

  static std::string loopback_metrics(std::string config) {
    const std::string any_interface = "addr: \":";
    if (const std::size_t at = config.find(any_interface); at != std::string::npos) {
      config.replace(at, any_interface.size(), "addr: \"127.0.0.1:");
    }
    return config;
  }

  // Characters that continue a path: a mount path matches only as a whole path prefix.
  static bool is_path_char(char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' || ch == '~' ||
           ch == '+' || ch == '@' || ch == '%';
  }

  // One pass over `text`; replaced text is never looked at again (host dirs may contain pod paths).
  static std::string rewrite(const std::string& text, const Mounts& mounts) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      const bool at_boundary = i == 0 || !(is_path_char(text[i - 1]) || text[i - 1] == '/');
      const Mount* hit = nullptr;
      if (at_boundary && text[i] == '/') {
        for (const Mount& m : mounts) {
          const std::size_t end = i + m.pod_path.size();
          if (text.compare(i, m.pod_path.size(), m.pod_path) == 0 &&
              (end == text.size() || text[end] == '/' || !is_path_char(text[end]))) {
            hit = &m;
            break;
          }
        }
      }
      if (hit) {
        out += hit->host_dir.string();
        i += hit->pod_path.size();
      } else {
        out += text[i++];
      }
    }
    return out;
  }

  PodInputs in_;
  const json::Value* pod_ = nullptr;
};

}  // namespace sqlop::testing
