// The server's HTTP edge, piece by piece: request heads as sent (strict CRLF, raw values),
// body framing and the chunked reader's size cap, the Host / Content-Type / CORS policy, and the
// exact API key a request presents.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "serve/http_body_reader.h"
#include "serve/http_buffered_stream.h"
#include "serve/http_policy.h"
#include "serve/http_request_head.h"
#include "serve/http_util.h"

namespace own {
namespace {

using namespace std::string_literals;

HeadParse parse(const std::string& text, RequestHead& head, HeadError& err, size_t max = 16 << 10) {
  return parse_request_head(text, max, head, err);
}

TEST(HttpHead, ParsesRawValuesWithoutDecoding) {
  RequestHead h;
  HeadError err;
  const std::string text = "POST /v1/x?a=1 HTTP/1.1\r\nHost: localhost:8080\r\nAuthorization:  Bearer sk%2Dtest \r\n\r\nBODY";
  ASSERT_EQ(parse(text, h, err), HeadParse::complete) << err.message;
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.path(), "/v1/x");
  EXPECT_EQ(*h.find("authorization"), "Bearer sk%2Dtest");
  EXPECT_EQ(text.substr(h.size), "BODY");
}

TEST(HttpHead, IncompleteUntilTheEmptyLineThen431PastTheCap) {
  RequestHead h;
  HeadError err;
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: x\r\n", h, err), HeadParse::incomplete);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nX: " + std::string(100, 'a'), h, err, 64), HeadParse::bad);
  EXPECT_EQ(err.status, 431);
}

TEST(HttpHead, RefusesWhatHttplibWouldReadDifferently) {
  const std::pair<std::string, int> bad[] = {
      {"GET / HTTP/1.1\nHost: x\n\n", 400},                                  // bare LF
      {"GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"s, 400},                           // control byte in a value
      {"GET / HTTP/1.1\r\nBad Name: v\r\n\r\n", 400},                          // not a token
      {"GET / HTTP/1.1\r\n folded\r\n\r\n", 400},                              // obs-fold
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},                   // two Hosts
      {"GET / HTTP/1.1\r\nAuthorization: a\r\nauthorization: b\r\n\r\n", 400},  // two keys
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET " + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414},
  };
  for (const auto& [text, status] : bad) {
    RequestHead h;
    HeadError err;
    EXPECT_EQ(parse(text, h, err), HeadParse::bad) << text.substr(0, 40);
    EXPECT_EQ(err.status, status) << text.substr(0, 40);
  }
}

TEST(HttpHead, Framing) {
  auto framing = [](const std::string& headers, BodyFraming& f, HeadError& err) {
    RequestHead h;
    EXPECT_EQ(parse("POST / HTTP/1.1\r\n" + headers + "\r\n", h, err), HeadParse::complete);
    return body_framing(h, f, err);
  };
  BodyFraming f;
  HeadError err;
  ASSERT_TRUE(framing("Content-Length: 12\r\n", f, err));
  EXPECT_EQ(f.length, 12u);
  ASSERT_TRUE(framing("Transfer-Encoding: Chunked\r\n", f, err));
  EXPECT_TRUE(f.chunked);
  EXPECT_FALSE(framing("Content-Length: 1\r\nTransfer-Encoding: chunked\r\n", f, err));
  EXPECT_FALSE(framing("Content-Length: -1\r\n", f, err));
  EXPECT_FALSE(framing("Content-Length: 1e3\r\n", f, err));
  EXPECT_FALSE(framing("Transfer-Encoding: gzip, chunked\r\n", f, err));
  EXPECT_EQ(err.status, 501);
}

TEST(HttpBody, ChunkedDecodesAcrossFeedsAndDropsTrailers) {
  BodyReader r(BodyFraming{true, 0}, 100);
  const std::string wire = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
  size_t used = 0;
  for (size_t i = 0; i < wire.size() && r.status() == BodyReader::Status::more; i += 3)
    used += r.feed(std::string_view(wire).substr(i, std::min<size_t>(3, wire.size() - i)));
  // the reader stops where the body ends (it may have been offered bytes of what follows)
  ASSERT_EQ(r.status(), BodyReader::Status::done) << r.error();
  EXPECT_EQ(r.body(), "hello world");
  EXPECT_LE(used, wire.size());
}

TEST(HttpBody, CapCountsDecodedBytesAndRefusesAChunkBeforeItsData) {
  BodyReader big(BodyFraming{true, 0}, 1000);
  big.feed("40000000\r\n");  // 1 GiB announced: refused with no data read
  EXPECT_EQ(big.status(), BodyReader::Status::too_large);
  EXPECT_TRUE(big.body().empty());
  BodyReader many(BodyFraming{true, 0}, 10);
  many.feed("6\r\nabcdef\r\n");
  EXPECT_EQ(many.status(), BodyReader::Status::more);
  many.feed("5\r\n");
  EXPECT_EQ(many.status(), BodyReader::Status::too_large);
  EXPECT_EQ(BodyReader(BodyFraming{false, 11}, 10).status(), BodyReader::Status::too_large);
  BodyReader bad(BodyFraming{true, 0}, 10);
  bad.feed("3\r\nabcd\r\n");
  EXPECT_EQ(bad.status(), BodyReader::Status::bad);
}

TEST(HttpPolicy, HostAgainstDnsRebinding) {
  const HttpPolicy p(HttpPolicyOptions{"127.0.0.1", {"chat.example"}, {}});
  for (std::string ok : {"localhost", "LOCALHOST:8080", "127.0.0.1:1", "[::1]:8080", "chat.example:443"})
    EXPECT_FALSE(p.check_host(&ok)) << ok;
  for (std::string bad : {"evil.example", "evil.example:8080", "10.0.0.1", "::1", "localhost:80x", "chat.example.evil"})
    EXPECT_EQ(p.check_host(&bad)->status, 403) << bad;
  const HttpPolicy any(HttpPolicyOptions{"0.0.0.0", {}, {}});
  std::string ip = "192.168.1.5:8080", name = "evil.example";
  EXPECT_FALSE(any.check_host(&ip));
  EXPECT_TRUE(any.check_host(&name));
}

TEST(HttpPolicy, JsonBodiesOnly) {
  std::string json = "application/json; charset=utf-8", text = "text/plain";
  EXPECT_FALSE(HttpPolicy::check_content_type("POST", &json));
  EXPECT_EQ(HttpPolicy::check_content_type("POST", &text)->status, 415);
  EXPECT_EQ(HttpPolicy::check_content_type("PUT", nullptr)->status, 415);
  EXPECT_FALSE(HttpPolicy::check_content_type("GET", &text));
}

TEST(HttpPolicy, CorsOnlyWhenConfigured) {
  std::string good = "http://app.example", bad = "http://evil.example";
  EXPECT_TRUE(HttpPolicy(HttpPolicyOptions{}).cors_headers(&good, false).empty());
  const HttpPolicy p(HttpPolicyOptions{"127.0.0.1", {}, {"http://app.example/"}});
  const auto h = p.cors_headers(&good, true);
  EXPECT_NE(std::find(h.begin(), h.end(), std::pair<std::string, std::string>{"Access-Control-Allow-Origin", good}), h.end());
  EXPECT_EQ(p.cors_headers(&bad, true), (std::vector<std::pair<std::string, std::string>>{{"Vary", "Origin"}}));
}

// A client that takes a few bytes now and then, each time just inside the write timeout, must
// not hold a worker for ever: the timeout bounds a response's whole wait on its client.
TEST(HttpStream, WriteTimeoutBoundsTheWholeWaitNotEachWait) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  const int small = 4096;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  std::atomic<bool> done{false};
  std::thread trickle([&] {  // reads 8 KiB every 100 ms: each wait of the writer is ~100 ms
    std::vector<char> buf(8192);
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (::recv(sv[1], buf.data(), buf.size(), MSG_DONTWAIT) == 0) break;
    }
  });
  {
    BufferedStream strm(sv[0], "", std::chrono::milliseconds(500), "127.0.0.1", 1);
    const std::string chunk(64 << 10, 'x');
    const auto t0 = std::chrono::steady_clock::now();
    bool failed = false;
    for (int i = 0; i < 200 && !failed; i++) failed = strm.write(chunk.data(), chunk.size()) < 0;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_TRUE(failed) << "the trickling client kept the writer for " << s << " s";
    EXPECT_LT(s, 5.0);
  }
  done = true;
  ::close(sv[0]);
  trickle.join();
  ::close(sv[1]);
}

TEST(HttpUtil, RequestApiKeyIsTheRawBytes) {
  httplib::Request req;
  req.headers.emplace(kRawAuthorizationHeader, std::string("Bearer sk-test\0x", 16));
  EXPECT_EQ(request_api_key(req), std::string("sk-test\0x", 9));
  req.headers.clear();
  req.headers.emplace(kRawAuthorizationHeader, "bEaReR sk-test");
  EXPECT_EQ(request_api_key(req), "sk-test");
  req.headers.clear();
  req.headers.emplace(kRawAuthorizationHeader, "Basic sk-test");
  EXPECT_EQ(request_api_key(req), "");
  EXPECT_TRUE(api_key_equal("sk-test", "sk-test"));
  EXPECT_FALSE(api_key_equal("sk-test", std::string("sk-test\0x", 9)));
}

}  // namespace
}  // namespace own
