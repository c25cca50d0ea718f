-- Reads one cluster's pod counts in one round trip.
-- KEYS[1]: podtally:{C}:podcounts
-- ARGV: the reader's kept snapshot's @generation and @fetched_at ('' when none is kept), then the
-- meta field names, @generation and @fetched_at first.
-- Returns {'meta', field, value, ...} with the meta fields present when the hash still holds the kept
-- snapshot, else {'all', field, value, ...} of the whole hash ({'all'} when there is none).
if ARGV[1] ~= '' then
  local names = {unpack(ARGV, 3)}
  local values = redis.call('HMGET', KEYS[1], unpack(names))
  local intact = values[1] == ARGV[1] and values[2] == ARGV[2]
  if intact then
    local reply = {'meta'}
    for i, name in ipairs(names) do
      if values[i] then
        reply[#reply + 1] = name
        reply[#reply + 1] = values[i]
      end
    end
    return reply
  end
end
local reply = redis.call('HGETALL', KEYS[1])
table.insert(reply, 1, 'all')
return reply
