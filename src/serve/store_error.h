// The one error of the store in use (see store.h); its own header so that the SQLite wrapper
// (store_sql.h) needs nothing else of the store.
#pragma once
#include "core/sql.h"

namespace own {

// The database failed while in use (I/O error, corruption, disk full, a lock held too long): a
// fault of the server, never of the request that ran into it. `busy`: a lock; worth a retry.
using StoreError = SqlError;

}  // namespace own
