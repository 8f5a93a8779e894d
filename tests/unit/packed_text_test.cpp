// TextPacker (host/controller/packed_text.hpp): what the packed informer cache stores. Pure.
#include "host/controller/packed_text.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

using sqlop::controller::TextPacker;

namespace {

std::string database_json(int i) {
  const std::string n = std::to_string(i);
  return R"({"apiVersion":"database.sqlite.io/v1alpha1","kind":"SqliteDatabase","metadata":{"name":"db-)" + n +
         R"(","namespace":"bench","uid":"c4fb9557-fa8f-428b-8945-)" + std::to_string(100000000000 + i) +
         R"(","resourceVersion":")" + n +
         R"("},"spec":{"database":{"name":"orders.db","storage":{"size":"2Gi","accessMode":"ReadWriteOnce"}},)"
         R"("litestream":{"replicas":[{"type":"s3","name":"aws","bucket":"example-sqlite-backups","region":)"
         R"("us-west-2","path":"orders","credentials":{"secretName":"s3-credentials"}}]}},"status":{"phase":)"
         R"("Pending","message":"Deployment bench/db-)" + n + R"( has no available pod yet"}})";
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xFF);
  return out;
}

}  // namespace

TEST_CASE("TextPacker unpacks exactly what it packed", "[informer]") {
  const TextPacker packer;
  const std::vector<std::string> texts = {
      database_json(0),  // the first: becomes the dictionary
      database_json(1),
      "",
      "{}",
      std::string("nul \0 inside", 12),
      "unicode \xc3\xa9\xe2\x98\x83",
      std::string(100000, 'x') + database_json(2),  // longer than the dictionary window
      random_bytes(5000, 7),                          // does not compress: kept as it is
  };
  for (const std::string& text : texts) {
    const std::string packed = packer.pack(text);
    CHECK(packer.unpack(packed) == text);
    CHECK(packed.size() <= text.size() + 1);  // never more than the tag byte over the text
  }
}

TEST_CASE("TextPacker packs objects like the first one far below their size", "[informer]") {
  const TextPacker packer;
  packer.pack(database_json(0));
  const std::string text = database_json(12345);
  const std::string packed = packer.pack(text);
  CHECK(packed.size() * 4 < text.size());
  CHECK(packer.unpack(packed) == text);
}

TEST_CASE("TextPacker unpacks damaged input to an empty text", "[informer]") {
  const TextPacker packer;
  const std::string packed = packer.pack(database_json(0) + database_json(1));
  REQUIRE(packed[0] == 'z');
  CHECK(packer.unpack("").empty());
  CHECK(packer.unpack("q{}").empty());            // unknown tag
  CHECK(packer.unpack(packed.substr(0, 3)).empty());  // cut inside the length
  CHECK(packer.unpack(packed.substr(0, packed.size() / 2)).empty());  // cut inside the stream
  std::string wrong_length = packed;
  wrong_length[1] = static_cast<char>(wrong_length[1] + 1);
  CHECK(packer.unpack(wrong_length).empty());
}

TEST_CASE("TextPacker packs and unpacks from several threads at once", "[informer]") {
  const TextPacker packer;
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&packer, &failures, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string text = database_json(t * 1000 + i);
        if (packer.unpack(packer.pack(text)) != text) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == std::vector<int>(4, 0));
}
