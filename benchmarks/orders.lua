-- wrk script for benchmarks/shop.sh: each wrk thread is one customer on one connection, placing
-- orders of three lines (products 1, 2, 3, one unit each, named in the body: "buy now") back to
-- back, each with a fresh Idempotency-Key.
-- Env: SOKO_BENCH_TOKENS (file, one access token per line), SOKO_BENCH_PRODUCTS (3 ids, comma-separated).
local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

function init(args)
  local index = 0
  for line in io.lines(os.getenv("SOKO_BENCH_TOKENS")) do
    index = index + 1
    if index == id then token = line end
  end
  products = {}
  for product in string.gmatch(os.getenv("SOKO_BENCH_PRODUCTS"), "[^,]+") do table.insert(products, product) end
  sequence, orders, refused, other = 0, 0, 0, 0
  local lines = {}
  for _, product in ipairs(products) do
    table.insert(lines, '{"product_id":"' .. product .. '","quantity":1}')
  end
  body = '{"shipping_address":{"name":"Bench","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"},"items":['
    .. table.concat(lines, ",") .. ']}'
end

function request()
  sequence = sequence + 1
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. id .. "-" .. sequence .. "-" .. os.time(),
  }
  return wrk.format("POST", "/orders", headers, body)
end

function response(status, headers, answer)
  do
    if status == 201 then
      orders = orders + 1
    elseif status == 409 then
      refused = refused + 1
    else
      other = other + 1
      if other <= 3 then io.stderr:write("placeOrder answered " .. status .. ": " .. answer .. "\n") end
    end
  end
end

function done(summary, latency, requests)
  local placed, declined, failed = 0, 0, 0
  for _, thread in ipairs(threads) do
    placed = placed + thread:get("orders")
    declined = declined + thread:get("refused")
    failed = failed + thread:get("other")
  end
  io.write(string.format("ORDERS placed=%d refused=%d other=%d seconds=%.3f\n", placed, declined, failed,
    summary.duration / 1e6))
end
