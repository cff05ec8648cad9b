// Private: attributes objects of Terraform resources flattened into dotted keys, as the
// state and plan readers take them in before filtering (secret_filter.h).
#ifndef FAULTLINE_LIB_IAC_ATTRIBUTE_FLATTENING_H_
#define FAULTLINE_LIB_IAC_ATTRIBUTE_FLATTENING_H_

#include <string>
#include <vector>

#include "io/json_reader.h"

namespace faultline::internal {

// Leaf: a flattened scalar leaf of an attributes object, before filtering.
struct Leaf {
  std::string key;
  std::string value;
};

// FlattenValue()
//
// Reads the value at the reader into `leaves` under `prefix` (empty at the root; restored
// on return), unwrapping dynamic values ({"value": ..., "type": <cty type>}) in place.
// Objects give "a.b" keys, arrays "a.0"; null leaves give nothing. O(size of the value).
void FlattenValue(JsonReader& r, std::string& prefix, std::vector<Leaf>* leaves);

}  // namespace faultline::internal

#endif  // FAULTLINE_LIB_IAC_ATTRIBUTE_FLATTENING_H_
