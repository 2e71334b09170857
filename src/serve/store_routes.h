// The REST routes behind the web chat's persistence (conversations as message trees, ratings,
// feedback export), over serve/store.h. JSON in and out; errors as OpenAI error objects.
// Registered by the server when it has a store (RUN/ownchat.db or --db); behind the same API keys.
// Who sees what: with no keys at all (single-user mode) everything; the operator's keys (serve
// --api-key, $OWNCHAT_API_KEY) and admin keys everything; any other key only the conversations,
// messages and ratings it made (another key's ids answer 404, as unknown ones). Writing the
// server-side export file is for the operator and admin keys (403 otherwise).
// A database failure during a request is a 500 (503 for a lock held too long), never a 400.
#pragma once
#include <string>
#include <vector>

#include "serve/http_util.h"
#include "serve/store.h"

namespace own {

// operator_keys: the keys given to serve (admin, own no rows)
void add_store_routes(const AddRoute& add, Store& store, const std::vector<std::string>& operator_keys);

}  // namespace own
