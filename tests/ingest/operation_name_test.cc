// NormalizeOperationName(): identifiers in span-name paths become "{id}".
#include "ingest/operation_name.h"

#include <string>

#include "gtest/gtest.h"

namespace faultline::internal {
namespace {

std::string Normalized(std::string_view name) {
  std::string out = "untouched";
  return NormalizeOperationName(name, &out) ? out : std::string(name);
}

TEST(OperationNameTest, NumbersUuidsAndLongHexInPathsBecomeIds) {
  EXPECT_EQ(Normalized("GET /users/123"), "GET /users/{id}");
  EXPECT_EQ(Normalized("GET /users/123/orders/9"), "GET /users/{id}/orders/{id}");
  EXPECT_EQ(Normalized("/carts/3f2a8c1e-0b7d-4e5f-9a6b-1c2d3e4f5a6b"), "/carts/{id}");
  EXPECT_EQ(Normalized("GET /blobs/5d41402abc4b2a76b9719d911017c592"), "GET /blobs/{id}");
  EXPECT_EQ(Normalized("GET /users/123 HTTP/1.1"), "GET /users/{id} HTTP/1.1");
}

TEST(OperationNameTest, QueryStringsAreDropped) {
  EXPECT_EQ(Normalized("GET /search?q=shoes&page=2"), "GET /search");
  EXPECT_EQ(Normalized("GET /items/42?x=1"), "GET /items/{id}");
  EXPECT_EQ(Normalized("GET /a/1?x=1 HTTP/1.1"), "GET /a/{id} HTTP/1.1");
}

TEST(OperationNameTest, LowCardinalityNamesAreLeftAlone) {
  std::string out = "untouched";
  for (std::string_view name :
       {"GET /api/v1/users", "GET /users/{id}", "/hipstershop.CartService/GetCart",
        "SELECT orders", "PlaceOrder", "GET /deadbeef", "GET /", "", "GET /users/abc123",
        "SELECT price/qty FROM t WHERE id = ?"}) {
    EXPECT_FALSE(NormalizeOperationName(name, &out)) << name;
    EXPECT_EQ(out, "untouched") << name;
  }
}

}  // namespace
}  // namespace faultline::internal
