// The pure parts of the Kubernetes client: URL paths and escaping, Status parsing, and Client's requests and
// decoding against a scripted fake Transport (no network).
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host/kube/api_error.hpp"
#include "host/kube/client.hpp"
#include "host/kube/credentials.hpp"
#include "host/kube/resource.hpp"
#include "sqlite_operator/json.hpp"
#include "../support/scratch_dir.hpp"

namespace kube = sqlop::kube;
namespace json = sqlop::json;

namespace {

// Lines handed out in order; then the end (or `end_error`).
class ScriptedLines : public kube::LineStream {
 public:
  explicit ScriptedLines(std::vector<std::string> lines, std::optional<kube::ApiError> end_error = std::nullopt)
      : lines_(lines.begin(), lines.end()), end_error_(std::move(end_error)) {}
  std::optional<std::string> next_line() override {
    if (cancelled_ || lines_.empty()) return std::nullopt;
    std::string line = lines_.front();
    lines_.pop_front();
    return line;
  }
  void cancel() override { cancelled_ = true; }
  std::optional<kube::ApiError> error() const override {
    return lines_.empty() && !cancelled_ ? end_error_ : std::nullopt;
  }

 private:
  std::deque<std::string> lines_;
  std::optional<kube::ApiError> end_error_;
  bool cancelled_ = false;
};

// Records every request and answers from a script (200 {} when the script is empty).
class FakeTransport : public kube::Transport {
 public:
  std::vector<kube::HttpRequest> requests;
  std::deque<kube::HttpResponse> responses;
  std::vector<std::string> stream_lines;
  std::optional<kube::ApiError> stream_end_error;

  void respond(int status, const std::string& body) {
    kube::HttpResponse response;
    response.status = status;
    response.body = body;
    response.content_type = "application/json";
    responses.push_back(response);
  }

  kube::Result<kube::HttpResponse> round_trip(const kube::HttpRequest& request) override {
    requests.push_back(request);
    if (responses.empty()) return {kube::HttpResponse{200, "{}", "application/json", 0}, std::nullopt};
    kube::HttpResponse response = responses.front();
    responses.pop_front();
    return {response, std::nullopt};
  }

  kube::Result<std::unique_ptr<kube::LineStream>> open_stream(const kube::HttpRequest& request) override {
    requests.push_back(request);
    std::unique_ptr<kube::LineStream> stream = std::make_unique<ScriptedLines>(stream_lines, stream_end_error);
    return {std::move(stream), std::nullopt};
  }
};

json::Value parse(const std::string& text) {
  std::optional<json::Value> v = json::parse(text);
  REQUIRE(v);
  return *v;
}

json::Value config_map(const std::string& name) {
  return parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
               R"(","namespace":"ns1"},"data":{"k":"v"}})");
}

}  // namespace

TEST_CASE("resource paths for core, grouped and cluster-wide requests", "[kube]") {
  using namespace kube::types;
  CHECK(kube::resource_path(config_maps(), "ns1") == "/api/v1/namespaces/ns1/configmaps");
  CHECK(kube::resource_path(config_maps(), "ns1", "cm") == "/api/v1/namespaces/ns1/configmaps/cm");
  CHECK(kube::resource_path(config_maps(), "") == "/api/v1/configmaps");
  CHECK(kube::resource_path(deployments(), "a", "web", "status") == "/apis/apps/v1/namespaces/a/deployments/web/status");
  CHECK(kube::resource_path(sqlite_databases(), "", "") == "/apis/database.sqlite.io/v1alpha1/sqlitedatabases");
  CHECK(kube::resource_path(leases(), "kube-system", "lock") ==
        "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/lock");
  CHECK(kube::resource_path(ingresses(), "n", "i") == "/apis/networking.k8s.io/v1/namespaces/n/ingresses/i");
  // A name can never escape its path segment.
  CHECK(kube::resource_path(secrets(), "n", "a/b?c") == "/api/v1/namespaces/n/secrets/a%2Fb%3Fc");
}

TEST_CASE("the well-known resource types", "[kube]") {
  using namespace kube::types;
  CHECK(sqlite_databases().api_version() == "database.sqlite.io/v1alpha1");
  CHECK(sqlite_databases().kind == "SqliteDatabase");
  CHECK(persistent_volume_claims().qualified_name() == "persistentvolumeclaims");
  CHECK(deployments().qualified_name() == "deployments.apps");
  CHECK(services().kind == "Service");
  CHECK(events().api_version() == "v1");
  CHECK(leases().kind == "Lease");
  CHECK(config_maps().namespaced);
}

TEST_CASE("query_escape keeps unreserved characters and encodes the rest", "[kube]") {
  CHECK(kube::query_escape("app.kubernetes.io/name=x,tier!=db") == "app.kubernetes.io%2Fname%3Dx%2Ctier%21%3Ddb");
  CHECK(kube::query_escape("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(kube::query_escape("a b&c") == "a%20b%26c");
  CHECK(kube::query_escape("\xc3\xa9") == "%C3%A9");
}

TEST_CASE("api_error_from_response reads a metav1.Status", "[kube]") {
  const kube::ApiError error = kube::api_error_from_response(
      409,
      R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"configmaps \"a\" already exists",)"
      R"("reason":"AlreadyExists","details":{"name":"a","kind":"configmaps"},"code":409})");
  CHECK(error.code == 409);
  CHECK(error.reason == "AlreadyExists");
  CHECK(error.is_already_exists());
  CHECK_FALSE(error.is_conflict());
  CHECK(error.message == "configmaps \"a\" already exists");
  CHECK(error.to_string() == "409 AlreadyExists: configmaps \"a\" already exists");

  const kube::ApiError throttled = kube::api_error_from_response(
      429, R"({"kind":"Status","reason":"TooManyRequests","message":"slow down","details":{"retryAfterSeconds":7},"code":429})");
  CHECK(throttled.retry_after_seconds == 7);
  CHECK(throttled.is_too_many_requests());
  CHECK(throttled.is_retryable());
  // The Retry-After header wins over the Status detail.
  CHECK(kube::api_error_from_response(429, R"({"kind":"Status","details":{"retryAfterSeconds":7}})", 3)
            .retry_after_seconds == 3);

  const kube::ApiError expired = kube::api_error_from_response(
      410, R"j({"kind":"Status","reason":"Expired","message":"too old resource version: 1 (5)","code":410})j");
  CHECK(expired.is_gone());
}

TEST_CASE("api_error_from_response falls back to the status text and a body prefix", "[kube]") {
  const kube::ApiError error = kube::api_error_from_response(503, "<html>upstream\nunavailable</html>");
  CHECK(error.code == 503);
  CHECK(error.reason == "ServiceUnavailable");
  CHECK(error.is_retryable());
  CHECK(error.message == "the server responded with Service Unavailable: <html>upstream unavailable</html>");

  const kube::ApiError long_body = kube::api_error_from_response(404, std::string(5000, 'x'));
  CHECK(long_body.is_not_found());
  CHECK(long_body.message.size() < 300);
  CHECK(long_body.message.find("...") != std::string::npos);

  CHECK(kube::api_error_from_response(418, "").to_string() == "418 HTTP 418: the server responded with HTTP 418");
}

TEST_CASE("transport errors have code 0 and print their message", "[kube]") {
  const kube::ApiError error = kube::transport_error("connection refused: https://127.0.0.1:6443");
  CHECK(error.is_transport());
  CHECK(error.is_retryable());
  CHECK(error.to_string() == "connection refused: https://127.0.0.1:6443");
}

TEST_CASE("Client::get returns the object or the typed error", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->respond(200, json::dump(config_map("a")));
  transport->respond(404, R"({"kind":"Status","reason":"NotFound","message":"configmaps \"b\" not found","code":404})");
  transport->respond(200, "{\"truncated\":");

  const auto found = client.get(kube::types::config_maps(), "ns1", "a");
  REQUIRE(found.ok());
  CHECK(found.value->find_path({"data", "k"})->as_string() == "v");
  CHECK(transport->requests[0].method == "GET");
  CHECK(transport->requests[0].path == "/api/v1/namespaces/ns1/configmaps/a");

  const auto missing = client.get(kube::types::config_maps(), "ns1", "b");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error->is_not_found());
  CHECK(missing.error->reason == "NotFound");

  const auto garbled = client.get(kube::types::config_maps(), "ns1", "c");
  REQUIRE_FALSE(garbled.ok());
  CHECK(garbled.error->message.find("invalid JSON") != std::string::npos);
  CHECK(garbled.error->message.find("/api/v1/namespaces/ns1/configmaps/c") != std::string::npos);
}

TEST_CASE("Client::list sends the selectors and follows continue tokens", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->respond(200, R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"41","continue":"tok/1"},)"
                          R"("items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})");
  transport->respond(200, R"({"kind":"ConfigMapList","metadata":{"resourceVersion":"41"},)"
                          R"("items":[{"metadata":{"name":"c"}}]})");

  kube::ListOptions options;
  options.label_selector = "app=db,tier in (x)";
  options.field_selector = "metadata.name!=z";
  options.limit = 2;
  options.resource_version = "0";
  const auto listed = client.list(kube::types::deployments(), "ns1", options);
  REQUIRE(listed.ok());
  REQUIRE(transport->requests.size() == 2);
  CHECK(transport->requests[0].path ==
        "/apis/apps/v1/namespaces/ns1/deployments?labelSelector=app%3Ddb%2Ctier%20in%20%28x%29"
        "&fieldSelector=metadata.name%21%3Dz&limit=2&resourceVersion=0");
  // The continue token replaces the resourceVersion (the server refuses both).
  CHECK(transport->requests[1].path ==
        "/apis/apps/v1/namespaces/ns1/deployments?labelSelector=app%3Ddb%2Ctier%20in%20%28x%29"
        "&fieldSelector=metadata.name%21%3Dz&limit=2&continue=tok%2F1");
  REQUIRE(listed.value->items.size() == 3);
  CHECK(listed.value->resource_version == "41");
  for (const json::Value& item : listed.value->items) {
    CHECK(item.get_string("apiVersion") == "apps/v1");
    CHECK(item.get_string("kind") == "Deployment");
  }
  CHECK(listed.value->items[2].find_path({"metadata", "name"})->as_string() == "c");
}

TEST_CASE("Client::list applies the item transform to every item of every page", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->respond(200, R"({"metadata":{"continue":"c1"},"items":[{"metadata":{"name":"a"},"data":{"k":"v"}}]})");
  transport->respond(200, R"({"metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"b"},"data":{"k":"v"}}]})");
  kube::ListOptions options;
  options.limit = 1;
  int calls = 0;
  options.item_transform = [&calls](json::Value& item) {
    ++calls;
    CHECK(item.get_string("kind") == "ConfigMap");  // filled in before the transform sees it
    item.as_object().erase("data");
  };
  const auto listed = client.list(kube::types::config_maps(), "ns1", options);
  REQUIRE(listed.ok());
  CHECK(calls == 2);
  REQUIRE(listed.value->items.size() == 2);
  for (const json::Value& item : listed.value->items) CHECK_FALSE(item.find("data"));
}

TEST_CASE("Client::list without options asks for everything in one request", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->respond(200, R"({"metadata":{"resourceVersion":"7"},"items":[]})");
  const auto listed = client.list(kube::types::sqlite_databases(), "");
  REQUIRE(listed.ok());
  CHECK(transport->requests.at(0).path == "/apis/database.sqlite.io/v1alpha1/sqlitedatabases");
  CHECK(listed.value->items.empty());
  CHECK(listed.value->resource_version == "7");
}

TEST_CASE("Client::list stops at the first failed page", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->respond(200, R"({"metadata":{"continue":"c1"},"items":[{}]})");
  transport->respond(410, R"({"kind":"Status","reason":"Expired","message":"continue token expired","code":410})");
  const auto listed = client.list(kube::types::config_maps(), "n", {});
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error->is_gone());
}

TEST_CASE("Client writes: create, update, patch kinds and the status subresource", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  kube::WriteOptions manager;
  manager.field_manager = "sqlite-operator";

  REQUIRE(client.create(kube::types::config_maps(), "ns1", config_map("a"), manager).ok());
  CHECK(transport->requests.back().method == "POST");
  CHECK(transport->requests.back().path == "/api/v1/namespaces/ns1/configmaps?fieldManager=sqlite-operator");
  CHECK(transport->requests.back().content_type == "application/json");
  CHECK(parse(transport->requests.back().body) == config_map("a"));

  kube::WriteOptions status;
  status.subresource = "status";
  REQUIRE(client.update(kube::types::sqlite_databases(), "", parse(R"({"metadata":{"name":"db","namespace":"x"}})"),
                        status)
              .ok());
  CHECK(transport->requests.back().method == "PUT");
  CHECK(transport->requests.back().path == "/apis/database.sqlite.io/v1alpha1/namespaces/x/sqlitedatabases/db/status");

  REQUIRE(client.patch(kube::types::deployments(), "n", "web", kube::PatchType::Merge, R"({"spec":{}})").ok());
  CHECK(transport->requests.back().method == "PATCH");
  CHECK(transport->requests.back().content_type == "application/merge-patch+json");
  CHECK(transport->requests.back().body == R"({"spec":{}})");
  REQUIRE(client.patch(kube::types::deployments(), "n", "web", kube::PatchType::Json, "[]").ok());
  CHECK(transport->requests.back().content_type == "application/json-patch+json");
  REQUIRE(client.patch(kube::types::deployments(), "n", "web", kube::PatchType::StrategicMerge, "{}").ok());
  CHECK(transport->requests.back().content_type == "application/strategic-merge-patch+json");

  const std::size_t sent = transport->requests.size();
  const auto nameless = client.update(kube::types::config_maps(), "n", parse("{}"));
  REQUIRE_FALSE(nameless.ok());
  CHECK(transport->requests.size() == sent);  // refused before sending
}

TEST_CASE("Client::apply sends a server-side apply patch with field manager and force", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  kube::WriteOptions options;
  options.field_manager = "sqlite-operator";
  options.force = true;

  const json::Value object = parse(R"({"metadata":{"name":"web","namespace":"n"},"spec":{"replicas":1}})");
  REQUIRE(client.apply(kube::types::deployments(), "", object, options).ok());
  const kube::HttpRequest& request = transport->requests.back();
  CHECK(request.method == "PATCH");
  CHECK(request.content_type == "application/apply-patch+yaml");
  CHECK(request.path == "/apis/apps/v1/namespaces/n/deployments/web?fieldManager=sqlite-operator&force=true");
  const json::Value body = parse(request.body);
  CHECK(body.get_string("apiVersion") == "apps/v1");  // filled in: apply needs the type in the body
  CHECK(body.get_string("kind") == "Deployment");
  CHECK(body.find_path({"spec", "replicas"})->as_int() == 1);

  options.force = false;
  REQUIRE(client.apply(kube::types::deployments(), "n", object, options).ok());
  CHECK(transport->requests.back().path == "/apis/apps/v1/namespaces/n/deployments/web?fieldManager=sqlite-operator");

  const std::size_t sent = transport->requests.size();
  const auto unmanaged = client.apply(kube::types::deployments(), "n", object, kube::WriteOptions{});
  REQUIRE_FALSE(unmanaged.ok());
  CHECK(unmanaged.error->message.find("field manager") != std::string::npos);
  CHECK(transport->requests.size() == sent);
}

TEST_CASE("Client::remove sends DeleteOptions only when there are some", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  CHECK_FALSE(client.remove(kube::types::services(), "n", "svc"));
  CHECK(transport->requests.back().method == "DELETE");
  CHECK(transport->requests.back().path == "/api/v1/namespaces/n/services/svc");
  CHECK(transport->requests.back().body.empty());

  kube::DeleteOptions options;
  options.propagation_policy = "Foreground";
  options.precondition_uid = "u-1";
  options.precondition_resource_version = "12";
  CHECK_FALSE(client.remove(kube::types::services(), "n", "svc", options));
  const json::Value body = parse(transport->requests.back().body);
  CHECK(body.get_string("kind") == "DeleteOptions");
  CHECK(body.get_string("propagationPolicy") == "Foreground");
  CHECK(body.find_path({"preconditions", "uid"})->as_string() == "u-1");
  CHECK(body.find_path({"preconditions", "resourceVersion"})->as_string() == "12");

  transport->respond(404, R"({"kind":"Status","reason":"NotFound","code":404})");
  const auto gone = client.remove(kube::types::services(), "n", "svc");
  REQUIRE(gone);
  CHECK(gone->is_not_found());
}

TEST_CASE("Client::watch builds the query and decodes events", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->stream_lines = {
      R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}})",
      "",
      R"({"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}}})",
      R"({"type":"DELETED","object":{"metadata":{"name":"a"}}})",
      R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"9"}}})",
      R"({"type":"ERROR","object":{"kind":"Status","reason":"Expired","message":"too old resource version","code":410}})",
  };
  kube::WatchOptions options;
  options.resource_version = "4";
  options.label_selector = "app=x";
  options.timeout_seconds = 60;
  auto opened = client.watch(kube::types::config_maps(), "n", options);
  REQUIRE(opened.ok());
  CHECK(transport->requests.back().path ==
        "/api/v1/namespaces/n/configmaps?watch=true&resourceVersion=4&labelSelector=app%3Dx"
        "&allowWatchBookmarks=true&timeoutSeconds=60");
  kube::WatchStream& stream = **opened.value;

  auto added = stream.next();
  REQUIRE(added.event);
  CHECK(added.event->type == kube::WatchEvent::Type::Added);
  CHECK(added.event->object.get_string("kind") == "ConfigMap");
  CHECK(added.event->object.get_string("apiVersion") == "v1");
  CHECK(added.event->object.find_path({"metadata", "resourceVersion"})->as_string() == "5");
  auto modified = stream.next();  // the blank keep-alive line was skipped
  REQUIRE(modified.event);
  CHECK(modified.event->type == kube::WatchEvent::Type::Modified);
  auto deleted = stream.next();
  REQUIRE(deleted.event);
  CHECK(deleted.event->type == kube::WatchEvent::Type::Deleted);
  auto bookmark = stream.next();
  REQUIRE(bookmark.event);
  CHECK(bookmark.event->type == kube::WatchEvent::Type::Bookmark);
  CHECK(bookmark.event->object.find_path({"metadata", "resourceVersion"})->as_string() == "9");
  auto error = stream.next();
  CHECK_FALSE(error.event);
  REQUIRE(error.error);
  CHECK(error.error->is_gone());
  CHECK(error.error->code == 410);
  CHECK(error.error->reason == "Expired");
  auto end = stream.next();
  CHECK_FALSE(end.event);
  CHECK_FALSE(end.error);
}

TEST_CASE("Client::watch reports malformed lines and a broken stream as errors", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->stream_lines = {"not json", R"({"type":"SURPRISE","object":{}})", R"({"type":"ADDED"})",
                             R"({"type":"ADDED","object":{"metadata":{"name":"ok"}}})"};
  transport->stream_end_error = kube::transport_error("watch stream broke");
  kube::WatchOptions options;
  options.allow_bookmarks = false;
  auto opened = client.watch(kube::types::secrets(), "", options);
  REQUIRE(opened.ok());
  CHECK(transport->requests.back().path == "/api/v1/secrets?watch=true");
  kube::WatchStream& stream = **opened.value;
  for (const char* why : {"malformed watch event", "unknown type \"SURPRISE\"", "no object"}) {
    auto next = stream.next();
    CHECK_FALSE(next.event);
    REQUIRE(next.error);
    CHECK(next.error->message.find(why) != std::string::npos);
  }
  auto good = stream.next();  // the stream goes on after a bad line
  REQUIRE(good.event);
  CHECK(good.event->type == kube::WatchEvent::Type::Added);
  auto broken = stream.next();
  CHECK_FALSE(broken.event);
  REQUIRE(broken.error);
  CHECK(broken.error->message == "watch stream broke");
}

TEST_CASE("WatchStream::cancel ends the stream without an error", "[kube]") {
  auto transport = std::make_shared<FakeTransport>();
  const kube::Client client(transport);
  transport->stream_lines = {R"({"type":"ADDED","object":{}})", R"({"type":"ADDED","object":{}})"};
  auto opened = client.watch(kube::types::config_maps(), "n", {});
  REQUIRE(opened.ok());
  REQUIRE((*opened.value)->next().event);
  (*opened.value)->cancel();
  const auto after = (*opened.value)->next();
  CHECK_FALSE(after.event);
  CHECK_FALSE(after.error);
}

TEST_CASE("a token file is re-read once its period passed or after a rejection", "[kube]") {
  sqlop::testing::ScratchDir dir;
  const std::string path = dir.write("token", "first\n");
  kube::ClientConfig config;
  config.bearer_token = "first";  // what the loader read
  config.bearer_token_file = path;
  auto now = std::chrono::steady_clock::now();
  kube::CredentialTiming timing;
  timing.now = [&] { return now; };
  const auto source = kube::make_credential_source(config, timing);

  dir.write("token", "second\n");
  CHECK(source->current().credential->bearer_token == "first");  // read moments ago by the loader
  now += std::chrono::seconds(59);
  CHECK(source->current().credential->bearer_token == "first");
  now += std::chrono::seconds(1);
  CHECK(source->current().credential->bearer_token == "second");

  dir.write("token", "third\n");
  kube::Credential stale;
  stale.bearer_token = "first";
  CHECK(source->reject(stale));  // an old credential: nothing to do
  CHECK(source->current().credential->bearer_token == "second");
  CHECK(source->reject(*source->current().credential));
  CHECK(source->current().credential->bearer_token == "third");
}

TEST_CASE("an exec credential is cached until it expires", "[kube]") {
  sqlop::testing::ScratchDir dir;
  const std::string runs = dir.file("runs");
  const std::string plugin = dir.write(
      "plugin.sh", "#!/bin/sh\necho run >> '" + runs + "'\n"
                   "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\","
                   "\"status\":{\"token\":\"tok\",\"expirationTimestamp\":\"2030-01-01T00:00:00Z\"}}'\n");
  REQUIRE(::chmod(plugin.c_str(), 0700) == 0);
  kube::ClientConfig config;
  config.server = "https://127.0.0.1:1";
  config.exec = kube::ExecConfig{};
  config.exec->command = plugin;
  config.exec->api_version = "client.authentication.k8s.io/v1beta1";
  auto wall = *kube::parse_rfc3339("2029-12-31T23:59:00Z");
  kube::CredentialTiming timing;
  timing.wall_now = [&] { return wall; };
  const auto source = kube::make_credential_source(config, timing);
  const auto count_runs = [&] {
    std::ifstream in(runs);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) ++n;
    return n;
  };

  CHECK(source->current().credential->bearer_token == "tok");
  CHECK(source->current().credential->bearer_token == "tok");
  CHECK(count_runs() == 1);
  CHECK(source->reject(*source->current().credential));  // a 401: run it again
  CHECK(source->current().credential->bearer_token == "tok");
  CHECK(count_runs() == 2);
  wall += std::chrono::minutes(2);  // past the expiration
  CHECK(source->current().credential->bearer_token == "tok");
  CHECK(count_runs() == 3);
}

TEST_CASE("an exec plugin that hangs is stopped after the timeout", "[kube]") {
  sqlop::testing::ScratchDir dir;
  const std::string plugin = dir.write("plugin.sh", "#!/bin/sh\nexec sleep 30\n");
  REQUIRE(::chmod(plugin.c_str(), 0700) == 0);
  kube::ClientConfig config;
  config.exec = kube::ExecConfig{};
  config.exec->command = plugin;
  config.exec->api_version = "client.authentication.k8s.io/v1";
  kube::CredentialTiming timing;
  timing.exec_timeout = std::chrono::milliseconds(200);
  const kube::CredentialLookup lookup = kube::make_credential_source(config, timing)->current();
  CHECK_FALSE(lookup.credential);
  CHECK(lookup.error.find("timed out") != std::string::npos);
}
