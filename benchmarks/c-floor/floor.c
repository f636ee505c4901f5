/*
 * floor.c — the C floor for benchmarks/hello.sh.
 *
 * The least a server on our own stack (libuv + Node's http-parser, one loop) can cost for
 * Soko's GET /hello: it answers with the same bytes `soko serve` does —
 *
 *   HTTP/1.1 200 OK\r\n
 *   Content-Type: text/plain; charset=utf-8\r\n
 *   X-Request-ID: <the caller's, if sane, else 16 hex digits per process + a hex counter>\r\n
 *   Date: <IMF-fixdate, formatted at most once a second>\r\n
 *   Content-Length: 5\r\n
 *   \r\n
 *   hello
 *
 * — and does nothing else: no routing table, no logging, no handler abstraction. It is the
 * denominator of the "x C floor" ratios, not a server to run anything on.
 *
 * HTTP/1.1 keep-alive and pipelining: every request completed by one read is answered into one
 * buffer, written with uv_try_write and, for what the socket does not take at once, uv_write.
 * Partial reads are the parser's business (it keeps its state between reads). A parse error
 * gets a 400 and the connection is closed after the write; so is a request asking to close.
 * Anything but GET or HEAD /hello gets a 404 with an empty body.
 *
 * Build: cc -O2 -o floor floor.c -luv -lhttp_parser   (Debian: libuv1-dev, libhttp-parser-dev)
 * Run:   ./floor PORT [HOST]          (HOST defaults to 127.0.0.1)
 */
#include <http_parser.h>
#include <uv.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define READ_BUFFER_SIZE 65536
#define FIELD_MAX 32
#define URL_MAX 64
#define REQUEST_ID_MAX 128

typedef struct {
    char *bytes;
    size_t length;
    size_t capacity;
} byte_buffer;

typedef struct {
    uv_tcp_t tcp; /* first: the handle pointer is the connection pointer */
    http_parser parser;
    byte_buffer out;   /* responses to the requests completed by the current read */
    int closing;       /* answer written so far, then close; ignore further bytes */
    int pending_writes;
    /* the request being parsed */
    char url[URL_MAX + 1];
    size_t url_length;
    int url_too_long;
    char field[FIELD_MAX + 1];
    size_t field_length;
    int field_too_long;
    int in_value; /* the last header callback was a value: the next field starts afresh */
    int field_is_request_id;
    char request_id[REQUEST_ID_MAX + 1];
    size_t request_id_length;
    int request_id_invalid;
} connection;

typedef struct {
    uv_write_t request;
    connection *conn;
    char bytes[]; /* what uv_try_write did not take */
} pending_write;

static uv_loop_t *loop;
static http_parser_settings settings;
static char read_buffer[READ_BUFFER_SIZE]; /* one loop: consumed before the next read */
static char id_prefix[16];
static uint64_t id_counter;
static time_t date_second = -1;
static char date_text[40];
static size_t date_length;

static void die(const char *what, int status) {
    fprintf(stderr, "floor: %s: %s\n", what, uv_strerror(status));
    exit(1);
}

static void append(byte_buffer *buffer, const char *bytes, size_t length) {
    if (buffer->length + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 4096;
        while (capacity < buffer->length + length) capacity *= 2;
        buffer->bytes = realloc(buffer->bytes, capacity);
        if (!buffer->bytes) abort();
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, bytes, length);
    buffer->length += length;
}

#define APPEND_LITERAL(buffer, text) append((buffer), (text), sizeof(text) - 1)

static void append_current_date(byte_buffer *out) {
    time_t now = time(NULL);
    if (now != date_second) {
        struct tm parts;
        gmtime_r(&now, &parts);
        date_length = strftime(date_text, sizeof date_text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
        date_second = now;
    }
    append(out, date_text, date_length);
}

static const char hex_digits[] = "0123456789abcdef";

static void append_new_request_id(byte_buffer *out) {
    char id[32];
    uint64_t value = ++id_counter;
    memcpy(id, id_prefix, 16);
    for (int i = 31; i >= 16; i--) {
        id[i] = hex_digits[value & 0xF];
        value >>= 4;
    }
    append(out, id, sizeof id);
}

/* The characters Soko keeps in a caller's X-Request-ID (RequestIDGenerator.accept). */
static int request_id_byte_ok(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-_.:+/=@", c) != NULL;
}

static void reset_request(connection *conn) {
    conn->url_length = 0;
    conn->url_too_long = 0;
    conn->field_length = 0;
    conn->field_too_long = 0;
    conn->in_value = 0;
    conn->field_is_request_id = 0;
    conn->request_id_length = 0;
    conn->request_id_invalid = 0;
}

/* ---- parser callbacks ------------------------------------------------------------------ */

static int on_message_begin(http_parser *parser) {
    reset_request(parser->data);
    return 0;
}

static int on_url(http_parser *parser, const char *at, size_t length) {
    connection *conn = parser->data;
    if (conn->url_length + length > URL_MAX) {
        conn->url_too_long = 1;
        return 0;
    }
    memcpy(conn->url + conn->url_length, at, length);
    conn->url_length += length;
    return 0;
}

static int on_header_field(http_parser *parser, const char *at, size_t length) {
    connection *conn = parser->data;
    if (conn->in_value) { /* a new field */
        conn->in_value = 0;
        conn->field_length = 0;
        conn->field_too_long = 0;
    }
    if (conn->field_length + length > FIELD_MAX) {
        conn->field_too_long = 1;
        return 0;
    }
    memcpy(conn->field + conn->field_length, at, length);
    conn->field_length += length;
    return 0;
}

static int on_header_value(http_parser *parser, const char *at, size_t length) {
    connection *conn = parser->data;
    if (!conn->in_value) { /* the field's name is complete */
        conn->in_value = 1;
        conn->field_is_request_id = !conn->field_too_long && conn->field_length == 12 &&
                                    strncasecmp(conn->field, "x-request-id", 12) == 0;
        if (conn->field_is_request_id) { /* a repeated header: the last one counts */
            conn->request_id_length = 0;
            conn->request_id_invalid = 0;
        }
    }
    if (!conn->field_is_request_id || conn->request_id_invalid) return 0;
    if (conn->request_id_length + length > REQUEST_ID_MAX) {
        conn->request_id_invalid = 1;
        return 0;
    }
    for (size_t i = 0; i < length; i++) {
        if (!request_id_byte_ok((unsigned char)at[i])) {
            conn->request_id_invalid = 1;
            return 0;
        }
    }
    memcpy(conn->request_id + conn->request_id_length, at, length);
    conn->request_id_length += length;
    return 0;
}

static int on_message_complete(http_parser *parser) {
    connection *conn = parser->data;
    byte_buffer *out = &conn->out;
    int keep_alive = http_should_keep_alive(parser);
    int http10 = parser->http_major == 1 && parser->http_minor == 0;
    int is_head = parser->method == HTTP_HEAD;
    int found = (parser->method == HTTP_GET || is_head) && !conn->url_too_long &&
                conn->url_length == 6 && memcmp(conn->url, "/hello", 6) == 0;

    if (http10) APPEND_LITERAL(out, "HTTP/1.0 ");
    else APPEND_LITERAL(out, "HTTP/1.1 ");
    if (found) APPEND_LITERAL(out, "200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n");
    else APPEND_LITERAL(out, "404 Not Found\r\n");
    APPEND_LITERAL(out, "X-Request-ID: ");
    if (conn->request_id_length > 0 && !conn->request_id_invalid)
        append(out, conn->request_id, conn->request_id_length);
    else
        append_new_request_id(out);
    APPEND_LITERAL(out, "\r\nDate: ");
    append_current_date(out);
    if (found) APPEND_LITERAL(out, "\r\nContent-Length: 5\r\n");
    else APPEND_LITERAL(out, "\r\nContent-Length: 0\r\n");
    if (!keep_alive) APPEND_LITERAL(out, "Connection: close\r\n");
    else if (http10) APPEND_LITERAL(out, "Connection: keep-alive\r\n");
    APPEND_LITERAL(out, "\r\n");
    if (found && !is_head) APPEND_LITERAL(out, "hello");

    if (!keep_alive) {
        conn->closing = 1;
        http_parser_pause(parser, 1); /* stop here: nothing after this request is answered */
    }
    return 0;
}

/* ---- connections ----------------------------------------------------------------------- */

static void on_close(uv_handle_t *handle) {
    connection *conn = (connection *)handle;
    free(conn->out.bytes);
    free(conn);
}

static void close_connection(connection *conn) {
    if (!uv_is_closing((uv_handle_t *)&conn->tcp)) uv_close((uv_handle_t *)&conn->tcp, on_close);
}

static void on_write(uv_write_t *request, int status) {
    pending_write *write = (pending_write *)request;
    connection *conn = write->conn;
    free(write);
    conn->pending_writes--;
    if (status < 0 || (conn->closing && conn->pending_writes == 0)) close_connection(conn);
}

/* Writes what the current read's requests produced: as much as the socket takes now, the rest
 * queued in order behind any earlier pending write. */
static void flush(connection *conn) {
    byte_buffer *out = &conn->out;
    size_t written = 0;
    if (out->length > 0 && conn->pending_writes == 0) {
        uv_buf_t buffer = uv_buf_init(out->bytes, (unsigned int)out->length);
        int result = uv_try_write((uv_stream_t *)&conn->tcp, &buffer, 1);
        if (result > 0) written = (size_t)result;
        else if (result != UV_EAGAIN) {
            close_connection(conn);
            return;
        }
    }
    if (written < out->length) {
        size_t remaining = out->length - written;
        pending_write *write = malloc(sizeof *write + remaining);
        if (!write) abort();
        write->conn = conn;
        memcpy(write->bytes, out->bytes + written, remaining);
        uv_buf_t buffer = uv_buf_init(write->bytes, (unsigned int)remaining);
        int status = uv_write(&write->request, (uv_stream_t *)&conn->tcp, &buffer, 1, on_write);
        if (status < 0) {
            free(write);
            close_connection(conn);
            return;
        }
        conn->pending_writes++;
    }
    out->length = 0;
    if (conn->closing && conn->pending_writes == 0) close_connection(conn);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buffer) {
    (void)handle;
    (void)suggested;
    *buffer = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buffer) {
    connection *conn = (connection *)stream;
    if (nread < 0) { /* EOF or error; anything queued is dropped with the socket */
        close_connection(conn);
        return;
    }
    if (nread == 0 || conn->closing) return;
    size_t parsed = http_parser_execute(&conn->parser, &settings, buffer->base, (size_t)nread);
    enum http_errno error = HTTP_PARSER_ERRNO(&conn->parser);
    if (error != HPE_OK && error != HPE_PAUSED) {
        APPEND_LITERAL(&conn->out,
                       "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        conn->closing = 1;
    } else if (parsed != (size_t)nread && !conn->closing) {
        conn->closing = 1; /* an upgrade or CONNECT: not served here */
    }
    if (conn->closing) uv_read_stop(stream);
    flush(conn);
}

static void on_connection(uv_stream_t *server, int status) {
    if (status < 0) return;
    connection *conn = calloc(1, sizeof *conn);
    if (!conn) abort();
    uv_tcp_init(loop, &conn->tcp);
    if (uv_accept(server, (uv_stream_t *)&conn->tcp) != 0) {
        close_connection(conn);
        return;
    }
    uv_tcp_nodelay(&conn->tcp, 1);
    http_parser_init(&conn->parser, HTTP_REQUEST);
    conn->parser.data = conn;
    uv_read_start((uv_stream_t *)&conn->tcp, on_alloc, on_read);
}

static void on_signal(uv_signal_t *handle, int signum) {
    (void)signum;
    uv_stop(handle->loop);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [HOST]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    const char *host = argc > 2 ? argv[2] : "127.0.0.1";

    uint64_t seed = 0;
    if (uv_random(NULL, NULL, &seed, sizeof seed, 0, NULL) != 0) seed = (uint64_t)time(NULL);
    for (int i = 0; i < 16; i++) id_prefix[i] = hex_digits[(seed >> (60 - 4 * i)) & 0xF];

    http_parser_settings_init(&settings);
    settings.on_message_begin = on_message_begin;
    settings.on_url = on_url;
    settings.on_header_field = on_header_field;
    settings.on_header_value = on_header_value;
    settings.on_message_complete = on_message_complete;

    loop = uv_default_loop();
    signal(SIGPIPE, SIG_IGN);
    uv_signal_t term, interrupt;
    uv_signal_init(loop, &term);
    uv_signal_start(&term, on_signal, SIGTERM);
    uv_signal_init(loop, &interrupt);
    uv_signal_start(&interrupt, on_signal, SIGINT);

    uv_tcp_t server;
    struct sockaddr_in address;
    int status;
    if ((status = uv_ip4_addr(host, port, &address)) != 0) die("address", status);
    uv_tcp_init(loop, &server);
    if ((status = uv_tcp_bind(&server, (const struct sockaddr *)&address, 0)) != 0) die("bind", status);
    if ((status = uv_listen((uv_stream_t *)&server, 1024, on_connection)) != 0) die("listen", status);
    printf("{\"msg\":\"floor listening\",\"host\":\"%s\",\"port\":%d}\n", host, port);
    fflush(stdout);

    uv_run(loop, UV_RUN_DEFAULT);
    return 0;
}
