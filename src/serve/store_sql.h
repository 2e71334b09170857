// The store's view of the SQLite wrapper (core/sql.h), for the files of its tables
// (store_keys.cpp, store_conversations.cpp, store_ratings.cpp) and store_open.cpp; not for use
// outside the store. Store's constructor turns SqlErrors (StoreError) into InputErrors.
#pragma once
#include "core/sql.h"
#include "serve/store_error.h"

namespace own::store_sql {

using sql::exec;
using sql::now_s;
using sql::sql_fail;
using sql::Stmt;
using sql::Tx;

}  // namespace own::store_sql
