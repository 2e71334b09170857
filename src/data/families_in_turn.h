// Taking items from every family in turn: the first item of each family, then the second of each,
// and so on, so small families are kept whole when big ones are cut. Families go by name, each
// family's items in their given order. The held-out samples of RM validation and eval, the cap on
// the synthetic rankings and the prompts of the policy's rankings all take their share this way.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace own {

// Up to `limit` of `items`; family_of(item) names an item's family.
template <class Item, class FamilyOf>
std::vector<Item> families_in_turn(const std::vector<Item>& items, int64_t limit, FamilyOf family_of) {
  std::map<std::string, std::vector<const Item*>> by_family;
  for (const Item& item : items) by_family[family_of(item)].push_back(&item);
  std::vector<Item> out;
  for (size_t round = 0; static_cast<int64_t>(out.size()) < limit; round++) {
    const size_t before = out.size();
    for (const auto& [family, of_family] : by_family)
      if (round < of_family.size() && static_cast<int64_t>(out.size()) < limit) out.push_back(*of_family[round]);
    if (out.size() == before) break;  // every family is used up
  }
  return out;
}

}  // namespace own
