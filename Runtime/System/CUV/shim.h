// CUV: libuv (Debian libuv1-dev) for the SokoHTTP module only.
#ifndef SOKO_CUV_SHIM_H
#define SOKO_CUV_SHIM_H
#include <uv.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <signal.h>
#include <sys/resource.h>
#endif
