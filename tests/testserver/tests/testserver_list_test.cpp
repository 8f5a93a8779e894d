// list: selectors, paging, Table output.
#include "test_server.hpp"

using namespace sqlop::testserver::testing;

namespace {

std::vector<std::string> names_of(const json::Value& list) {
  std::vector<std::string> out;
  for (const auto& item : list.find("items")->as_array()) out.push_back(str(item, {"metadata", "name"}));
  return out;
}

void create_labelled(const std::string& ns, const std::string& name, const std::string& tier) {
  json::Value cm = configmap(name);
  cm["metadata"]["labels"]["tier"] = tier;
  REQUIRE(api().post(ns_path(ns, "configmaps"), cm).status == 201);
}

}  // namespace

TEST_CASE("list with selectors and paging", "[testserver][list]") {
  const std::string ns = fresh_namespace();
  create_labelled(ns, "a", "web");
  create_labelled(ns, "b", "db");
  create_labelled(ns, "c", "web");
  REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("d")).status == 201);

  SECTION("a plain list: typed list kind, items without kind, in name order") {
    const Response r = api().get(ns_path(ns, "configmaps"));
    REQUIRE(r.status == 200);
    const json::Value list = r.json();
    CHECK(str(list, {"kind"}) == "ConfigMapList");
    CHECK(str(list, {"apiVersion"}) == "v1");
    CHECK_FALSE(rv_of(list).empty());
    CHECK(names_of(list) == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(list.find("items")->as_array().at(0).find("kind") == nullptr);
  }
  SECTION("equality and set-based label selectors") {
    CHECK(names_of(api().get(ns_path(ns, "configmaps") + "?labelSelector=tier%3Dweb").json()) ==
          std::vector<std::string>{"a", "c"});
    CHECK(names_of(api().get(ns_path(ns, "configmaps") + "?labelSelector=tier%20in%20(db,web)").json()) ==
          std::vector<std::string>{"a", "b", "c"});
    CHECK(names_of(api().get(ns_path(ns, "configmaps") + "?labelSelector=tier!%3Dweb").json()) ==
          std::vector<std::string>{"b", "d"});
    CHECK(names_of(api().get(ns_path(ns, "configmaps") + "?labelSelector=!tier").json()) == std::vector<std::string>{"d"});
    CHECK(api().get(ns_path(ns, "configmaps") + "?labelSelector=tier%20in%20(").status == 400);
  }
  SECTION("field selectors on metadata.name; unsupported fields are 400") {
    CHECK(names_of(api().get(ns_path(ns, "configmaps") + "?fieldSelector=metadata.name%3Db").json()) ==
          std::vector<std::string>{"b"});
    CHECK(names_of(api().get(ns_path(ns, "configmaps") + "?fieldSelector=metadata.name!%3Db").json()).size() == 3);
    CHECK(api().get(ns_path(ns, "configmaps") + "?fieldSelector=data.k%3Dv").status == 400);
  }
  SECTION("limit and continue walk every item once, at the first page's resourceVersion") {
    const Response first = api().get(ns_path(ns, "configmaps") + "?limit=3");
    REQUIRE(first.status == 200);
    const json::Value page1 = first.json();
    CHECK(names_of(page1) == std::vector<std::string>{"a", "b", "c"});
    CHECK(page1.find_path({"metadata", "remainingItemCount"})->as_int() == 1);
    const std::string token = str(page1, {"metadata", "continue"});
    REQUIRE_FALSE(token.empty());
    const json::Value page2 = api().get(ns_path(ns, "configmaps") + "?limit=3&continue=" + token).json();
    CHECK(names_of(page2) == std::vector<std::string>{"d"});
    CHECK(str(page2, {"metadata", "continue"}).empty());
    CHECK(rv_of(page2) == rv_of(page1));
  }
  SECTION("later pages show the collection as of the first page") {
    const json::Value page1 = api().get(ns_path(ns, "configmaps") + "?limit=2").json();
    CHECK(names_of(page1) == std::vector<std::string>{"a", "b"});
    REQUIRE(api().del(ns_path(ns, "configmaps", "c")).status == 200);
    REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("bb")).status == 201);
    json::Value d = api().get(ns_path(ns, "configmaps", "d")).json();
    d["data"]["k"] = "changed";
    REQUIRE(api().put(ns_path(ns, "configmaps", "d"), d).status == 200);
    const json::Value page2 = api().get(ns_path(ns, "configmaps") + "?limit=2&continue=" + str(page1, {"metadata", "continue"})).json();
    CHECK(names_of(page2) == std::vector<std::string>{"c", "d"});
    CHECK(str(page2.find("items")->as_array().at(1), {"data", "k"}) == "v");
    CHECK(names_of(api().get(ns_path(ns, "configmaps")).json()) == std::vector<std::string>{"a", "b", "bb", "d"});
  }
  SECTION("a continue token older than the history is 410 Expired") {
    const std::string token = str(api().get(ns_path(ns, "configmaps") + "?limit=1").json(), {"metadata", "continue"});
    REQUIRE(api().post(ns_path(ns, "configmaps"), configmap("later")).status == 201);
    REQUIRE(api().request("POST", "/_testserver/compact").status == 200);
    const Response r = api().get(ns_path(ns, "configmaps") + "?limit=1&continue=" + token);
    REQUIRE(r.status == 410);
    CHECK(str(r.json(), {"reason"}) == "Expired");
  }
  SECTION("lists across namespaces") {
    const Response r = api().get("/api/v1/configmaps?labelSelector=tier%3Dweb");
    REQUIRE(r.status == 200);
    CHECK(names_of(r.json()).size() >= 2);
  }
  SECTION("Table output as kubectl asks") {
    const Response r = api().get(ns_path(ns, "configmaps"),
                                 "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
    REQUIRE(r.status == 200);
    const json::Value t = r.json();
    CHECK(str(t, {"kind"}) == "Table");
    CHECK(str(t, {"apiVersion"}) == "meta.k8s.io/v1");
    const json::Array& cols = t.find("columnDefinitions")->as_array();
    REQUIRE(cols.size() == 3);
    CHECK(cols[0].get_string("name") == "Name");
    CHECK(cols[1].get_string("name") == "Data");
    CHECK(cols[2].get_string("name") == "Age");
    const json::Array& rows = t.find("rows")->as_array();
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].find("cells")->as_array().at(0).as_string() == "a");
    CHECK(rows[0].find("cells")->as_array().at(1).as_int() == 1);
    CHECK(str(rows[0].find("object") ? *rows[0].find("object") : json::Value(), {"kind"}) == "PartialObjectMetadata");
  }
}
