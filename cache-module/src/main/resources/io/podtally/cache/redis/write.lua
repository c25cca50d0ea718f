-- Replaces the hash of one cluster's pod counts unless the stored snapshot is newer, or is complete
-- while the new one is partial and not newer than the stored one's @stale_until.
-- KEYS[1]: podtally:{C}:podcounts
-- ARGV: fetched_at (epoch ms), complete (1/0), retention ms, then field/value pairs of the new hash.
-- Returns {accepted 1/0, generation}.
local stored = redis.call('HMGET', KEYS[1], '@fetched_at', '@complete', '@stale_until', '@generation')
local generation = math.floor(tonumber(stored[4]) or 0)
local fetched_at = tonumber(ARGV[1])
local stored_at = tonumber(stored[1])
if stored_at then
  if fetched_at < stored_at then
    return {0, generation}
  end
  if ARGV[2] == '0' and stored[2] == '1' and fetched_at <= (tonumber(stored[3]) or 0) then
    return {0, generation}
  end
end
generation = generation + 1
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '@generation', generation)
local i = 4
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, generation}
