// Private: Terraform addresses and names as the readers and the graph builders write them:
// instance index keys, configuration addresses, stack names from file names, and subgraph
// id segments.
#ifndef FAULTLINE_LIB_IAC_TERRAFORM_ADDRESS_H_
#define FAULTLINE_LIB_IAC_TERRAFORM_ADDRESS_H_

#include <string>
#include <string_view>

#include "io/json_reader.h"

namespace faultline::internal {

// QuoteKey(): a string instance key as Terraform writes it in addresses: HCL-quoted.
std::string QuoteKey(std::string_view key);

// ReadIndexKey(): reads an index key (number, string or null) into its address form ("0",
// "\"a\"", ""). False for other types.
bool ReadIndexKey(JsonReader& r, std::string* out);

// StackFromName(): the stack named by a source: the file's stem ("network.tfstate" ->
// "network"), or its folder's name for "terraform.tfstate"; "default" when empty.
std::string StackFromName(const std::string& name);

// ConfigAddress(): an instance address without its index keys, as configuration references
// name resources: module.a["x"].aws_subnet.b[0] -> module.a.aws_subnet.b (quoted keys may
// hold brackets and escaped quotes).
std::string ConfigAddress(std::string_view address);

// IdSegment(): `text` as a segment of a subgraph id: characters an id cannot hold become '_'.
std::string IdSegment(std::string_view text);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_TERRAFORM_ADDRESS_H_
