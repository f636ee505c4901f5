-- wrk script for benchmarks/shop.sh: each wrk thread is one customer on one connection, cycling
-- "add product 1, 2, 3 to the cart" then "POST /orders" with a fresh Idempotency-Key.
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
  step, sequence, orders, refused, other = 0, 0, 0, 0, 0
  address = '{"shipping_address":{"name":"Bench","line1":"1 Moi Avenue","city":"Nairobi","country":"KE"}}'
end

function request()
  step = step % 4 + 1
  local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  if step <= 3 then
    return wrk.format("POST", "/cart/items", headers, '{"product_id":"' .. products[step] .. '","quantity":1}')
  end
  sequence = sequence + 1
  headers["Idempotency-Key"] = "bench-" .. id .. "-" .. sequence .. "-" .. os.time()
  return wrk.format("POST", "/orders", headers, address)
end

function response(status, headers, body)
  if step == 4 then
    if status == 201 then
      orders = orders + 1
    elseif status == 409 then
      refused = refused + 1
    else
      other = other + 1
      if other <= 3 then io.stderr:write("placeOrder answered " .. status .. ": " .. body .. "\n") end
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
