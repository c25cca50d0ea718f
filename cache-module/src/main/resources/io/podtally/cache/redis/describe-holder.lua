-- Publishes who holds a cluster's watch lease, only while the lease holds the holder's owner field (a Redisson lock
-- held by that owner), checked in the same script so a replica that lost its lease never overwrites the description
-- of the new holder.
-- KEYS[1]: the lease, podtally:{C}:watch-lease; KEYS[2]: podtally:{C}:watch-holder
-- ARGV: the lease's owner field, the description, its time to live (ms).
-- Returns 1 when written, 0 when the lease is not held by that owner (nothing written).
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
