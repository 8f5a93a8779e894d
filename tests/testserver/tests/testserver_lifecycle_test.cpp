// TLS with bearer token and client certificates, the kubeconfig, SIGTERM and the data file.
#include <fstream>

#include "server/tls_material.hpp"
#include "test_server.hpp"

using namespace sqlop::testserver::testing;
using namespace std::chrono_literals;

TEST_CASE("TLS: the kubeconfig's CA, token and client certificate", "[testserver][tls]") {
  RunningServer server = start_server({}, true);
  const auto access = server.process->access();
  REQUIRE(access.tls());
  CHECK(access.server.rfind("https://127.0.0.1:", 0) == 0);
  CHECK(access.ca_pem.find("BEGIN CERTIFICATE") != std::string::npos);
  CHECK(access.token.size() >= 32);

  SECTION("the token is accepted") {
    const Response r = server.api->get("/api/v1/namespaces/default");
    CHECK(r.status == 200);
  }
  SECTION("no credentials or a wrong token is 401 Unauthorized") {
    sqlop::testserver::client::RequestOptions no_creds;
    no_creds.send_credentials = false;
    const Response anonymous = server.api->request("GET", "/api/v1/namespaces", {}, no_creds);
    REQUIRE(anonymous.status == 401);
    CHECK(str(anonymous.json(), {"reason"}) == "Unauthorized");
    no_creds.headers["Authorization"] = "Bearer wrong";
    CHECK(server.api->request("GET", "/api/v1/namespaces", {}, no_creds).status == 401);
    CHECK(server.api->request("GET", "/healthz", {}, no_creds).status == 200);
  }
  SECTION("a client certificate signed by the CA is accepted without a token") {
    auto cert_access = server.process->access("kube-testserver-cert");
    REQUIRE(cert_access.token.empty());
    CHECK(sqlop::testserver::certificate_common_name(cert_access.client_cert_pem) == "testserver-admin");
    ApiClient cert_client(cert_access);
    CHECK(cert_client.get("/api/v1/namespaces/default").status == 200);
  }
  SECTION("a client certificate from another CA is refused") {
    std::string error;
    const auto other = sqlop::testserver::generate_tls_material(&error);
    REQUIRE(other);
    auto forged = server.process->access("kube-testserver-cert");
    forged.client_cert_pem = other->client.certificate;
    forged.client_key_pem = other->client.private_key;
    ApiClient forged_client(forged);
    bool refused = false;
    try {
      refused = forged_client.get("/api/v1/namespaces/default").status == 401;
    } catch (...) {
      refused = true;  // the handshake fails
    }
    CHECK(refused);
  }
}

TEST_CASE("SIGTERM stops the server cleanly and ends open watches", "[testserver][lifecycle]") {
  RunningServer server = start_server();
  auto w = server.api->watch("/api/v1/namespaces/default/configmaps?watch=true");
  REQUIRE(w->status() == 200);
  CHECK(server.process->stop() == 0);
  CHECK(w->ended(3000ms));
}

TEST_CASE("the data file keeps objects across a restart", "[testserver][lifecycle]") {
  const std::string dir = sqlop::testserver::client::make_temp_dir("kube-testserver-data-");
  const std::string data = dir + "/state.json";
  std::string rv;
  std::string uid;
  {
    RunningServer first = start_server({"--data-file", data});
    const Response r = first.api->post("/api/v1/namespaces/default/configmaps", configmap("kept"));
    REQUIRE(r.status == 201);
    rv = rv_of(r.json());
    uid = str(r.json(), {"metadata", "uid"});
    REQUIRE(first.process->stop() == 0);
  }
  {
    RunningServer second = start_server({"--data-file", data});
    const Response r = second.api->get("/api/v1/namespaces/default/configmaps/kept");
    REQUIRE(r.status == 200);
    CHECK(str(r.json(), {"metadata", "uid"}) == uid);
    const Response next = second.api->post("/api/v1/namespaces/default/configmaps", configmap("new"));
    CHECK(std::stoll(rv_of(next.json())) > std::stoll(rv));
  }
  sqlop::testserver::client::remove_tree(dir);
}
