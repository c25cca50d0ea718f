-- Replaces the hash of one cluster's pod counts unless the stored snapshot is newer, or the new one is
-- partial, not newer than the stored one's @stale_until, and the stored one is complete or covers more
-- (more pages, or as many pages and more pods).
-- With a fence, writes only while the lock holds the fence's field (a Redisson lock held by that owner), checked in
-- the same script so a holder that lost its lock never writes.
-- KEYS[1]: podtally:{C}:podcounts; KEYS[2] (optional): the lock, podtally:{C}:refresh-lock or podtally:{C}:watch-lease
-- ARGV: fetched_at (epoch ms), complete (1/0), retention ms, pages, pods, the lock's owner field ('' without a
-- fence), then field/value pairs of the new hash.
-- Returns {accepted 1/0, generation}, or {-1, generation} when the fence does not hold.
local stored = redis.call('HMGET', KEYS[1], '@fetched_at', '@complete', '@stale_until', '@generation', '@pages',
  '@pods')
local generation = math.floor(tonumber(stored[4]) or 0)
if KEYS[2] and redis.call('HEXISTS', KEYS[2], ARGV[6]) == 0 then
  return {-1, generation}
end
local fetched_at = tonumber(ARGV[1])
local stored_at = tonumber(stored[1])
if stored_at then
  if fetched_at < stored_at then
    return {0, generation}
  end
  if ARGV[2] == '0' and fetched_at <= (tonumber(stored[3]) or 0) then
    if stored[2] == '1' then
      return {0, generation}
    end
    local pages, pods = tonumber(ARGV[4]), tonumber(ARGV[5])
    local stored_pages, stored_pods = tonumber(stored[5]) or 0, tonumber(stored[6]) or 0
    if pages < stored_pages or (pages == stored_pages and pods < stored_pods) then
      return {0, generation}
    end
  end
end
generation = generation + 1
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '@generation', generation)
local i = 7
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, generation}
