-- Replaces the hash of one cluster's pod counts unless the stored snapshot is newer, or is complete
-- while the new one is partial and not newer than the stored one's @stale_until.
-- With a fence, writes only while the lease holds the fence's field (a Redisson lock held by that owner), checked in
-- the same script so a holder that lost its lease never writes.
-- KEYS[1]: podtally:{C}:podcounts; KEYS[2] (optional): the lease, e.g. podtally:{C}:watch-lease
-- ARGV: fetched_at (epoch ms), complete (1/0), retention ms, the lease's owner field ('' without a fence), then
-- field/value pairs of the new hash.
-- Returns {accepted 1/0, generation}, or {-1, generation} when the fence does not hold.
local stored = redis.call('HMGET', KEYS[1], '@fetched_at', '@complete', '@stale_until', '@generation')
local generation = math.floor(tonumber(stored[4]) or 0)
if KEYS[2] and redis.call('HEXISTS', KEYS[2], ARGV[4]) == 0 then
  return {-1, generation}
end
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
local i = 5
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, generation}
