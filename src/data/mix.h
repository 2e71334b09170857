// Mixing a user's file into a stage's training data by weight: whole copies, then a
// deterministic fraction of the items chosen by their content hash (weight 2.5 = two copies
// and about half the items once more). Same data, same mix, on every machine.
#pragma once
#include <string>
#include <vector>

#include "core/check.h"
#include "data/clean.h"

namespace own {

// key_of(item) -> std::string: the item's content, hashed to pick the fractional part
template <class T, class KeyOf>
void mix_in(std::vector<T>& dst, const std::vector<T>& items, double weight, const std::string& what, KeyOf key_of) {
  if (!(weight >= 0)) input_error("{}: weight must be >= 0 (got {})", what, weight);
  for (const T& item : items) {
    double w = weight;
    for (; w >= 1.0; w -= 1.0) dst.push_back(item);
    if (w > 0 && hash_unit(text_hash(key_of(item))) < w) dst.push_back(item);
  }
}

}  // namespace own
