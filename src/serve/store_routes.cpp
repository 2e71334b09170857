#include "serve/store_routes.h"

namespace own {

void add_store_routes(const AddRoute& add, Store& store) {
  (void)add;
  (void)store;
}

}  // namespace own
