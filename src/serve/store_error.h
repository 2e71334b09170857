// The one error of the store in use (see store.h); its own header so that the SQLite wrapper
// (store_sql.h) needs nothing else of the store.
#pragma once
#include <stdexcept>
#include <string>

namespace own {

// The database failed while in use (I/O error, corruption, disk full, a lock held too long): a
// fault of the server, never of the request that ran into it. `busy`: a lock; worth a retry.
struct StoreError : std::runtime_error {
  bool busy = false;
  StoreError(const std::string& message, bool busy_) : std::runtime_error(message), busy(busy_) {}
};

}  // namespace own
