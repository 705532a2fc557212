package io.conductorvx.queue.redis;

/**
 * The Lua scripts of {@link RedisQueueStore}. Each runs atomically in Redis, which is what makes a
 * pop hand a message to one reader only. Keys of one queue, always passed in this order:
 * KEYS[1] ready zset, KEYS[2] delayed zset, KEYS[3] leases zset, KEYS[4] messages hash,
 * KEYS[5] sequence counter, KEYS[6] set of queue names.
 *
 * <p>A message's hash value is {@code priority|dueAt|seq|body}, where body is {@code n} for a null
 * payload or {@code v<payload>}. Its ready-set member is dueAt and seq, each zero-padded to 15
 * digits, followed by the id; its score is {@code -priority}. ZRANGE orders by score (higher
 * priority first), then members byte-wise, i.e. by due time, then by push order. Delayed messages wait in the delayed set
 * (score = dueAt, member = id) and move to the ready set once due, keeping their due time, so
 * "became due first" is exact whenever the move happens.
 */
final class QueueScripts {
  private QueueScripts() {}

  /** Helpers every script starts with. TIME is Redis' clock: all servers agree on "now". */
  private static final String COMMON = """
      local function now_ms()
        local t = redis.call('TIME')
        return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      end
      local function member(due, seq, id)
        return string.format('%015d%015d', due, seq) .. id
      end
      local ID_OFFSET = 31
      local function parse(v)
        local p, d, s, body = string.match(v, '^(-?%d+)|(%d+)|(%d+)|(.*)$')
        return tonumber(p), tonumber(d), tonumber(s), body
      end
      local function encode(p, d, s, body)
        return string.format('%d|%d|%d|', p, d, s) .. body
      end
      -- Moves due messages from the delayed set to the ready set (bounded work per call).
      local function promote(now, limit)
        local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
        for _, id in ipairs(due) do
          redis.call('ZREM', KEYS[2], id)
          local v = redis.call('HGET', KEYS[4], id)
          if v then
            local p, d, s = parse(v)
            redis.call('ZADD', KEYS[1], -p, member(d, s, id))
          end
        end
      end
      -- Drops every copy of id (ready, delayed, leased). @return whether it existed
      local function drop(id)
        local v = redis.call('HGET', KEYS[4], id)
        if not v then
          return false
        end
        local _, d, s = parse(v)
        redis.call('ZREM', KEYS[1], member(d, s, id))
        redis.call('ZREM', KEYS[2], id)
        redis.call('ZREM', KEYS[3], id)
        redis.call('HDEL', KEYS[4], id)
        return true
      end
      """;

  /** ARGV: id, priority, body, delayMs, queue name. Replaces any ready, delayed or leased copy. */
  static final String PUSH = COMMON + """
      local id, p, body, delay = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
      drop(id)
      local due = now_ms() + math.max(delay, 0)
      local seq = redis.call('INCR', KEYS[5])
      redis.call('HSET', KEYS[4], id, encode(p, due, seq, body))
      if delay > 0 then
        redis.call('ZADD', KEYS[2], string.format('%d', due), id)
      else
        redis.call('ZADD', KEYS[1], -p, member(due, seq, id))
      end
      redis.call('SADD', KEYS[6], ARGV[5])
      return 1
      """;

  /**
   * ARGV: count, leaseMs, promote limit. Promotes what is due, then leases the first {@code count}
   * ready messages. @return flat array id1, value1, id2, value2 ... in delivery order
   */
  static final String POP = COMMON + """
      local now = now_ms()
      promote(now, tonumber(ARGV[3]))
      local lease_until = string.format('%d', now + tonumber(ARGV[2]))
      local out = {}
      for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)) do
        redis.call('ZREM', KEYS[1], m)
        local id = string.sub(m, ID_OFFSET)
        local v = redis.call('HGET', KEYS[4], id)
        if v then
          redis.call('ZADD', KEYS[3], lease_until, id)
          out[#out + 1] = id
          out[#out + 1] = v
        end
      end
      return out
      """;

  /** ARGV: id. Only a leased message is deleted; a ready or delayed copy stays. */
  static final String ACK = COMMON + """
      if redis.call('ZREM', KEYS[3], ARGV[1]) == 1 then
        redis.call('HDEL', KEYS[4], ARGV[1])
      end
      return 0
      """;

  /** ARGV: id. @return 1 when it was in the queue */
  static final String REMOVE = COMMON + """
      if drop(ARGV[1]) then
        return 1
      end
      return 0
      """;

  /**
   * ARGV: limit. Expired leases become ready again, due now, with a new sequence number.
   * @return how many were requeued
   */
  static final String REQUEUE = COMMON + """
      local now = now_ms()
      local n = 0
      for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))) do
        redis.call('ZREM', KEYS[3], id)
        local v = redis.call('HGET', KEYS[4], id)
        if v then
          local p, _, _, body = parse(v)
          local seq = redis.call('INCR', KEYS[5])
          redis.call('HSET', KEYS[4], id, encode(p, now, seq, body))
          redis.call('ZADD', KEYS[1], -p, member(now, seq, id))
          n = n + 1
        end
      end
      return n
      """;

  /** ARGV: queue name. Deletes the queue's keys (sequence counter included) and its name from the set. */
  static final String DROP = """
      redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
      redis.call('SREM', KEYS[6], ARGV[1])
      return 1
      """;

  /** @return {ready + delayed, leased} counts of the queue */
  static final String COUNTS = """
      return {redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3])}
      """;

  /**
   * ARGV: id. @return {found 0/1, leased 0/1, dueAt, ahead}: a ready message's rank in the ready
   * set is its place in delivery order; a delayed one waits behind every ready message of its
   * priority or higher and behind the delayed ones due before it.
   */
  static final String LOCATE = COMMON + """
      local v = redis.call('HGET', KEYS[4], ARGV[1])
      if not v then
        return {0, 0, 0, 0}
      end
      local p, d, s = parse(v)
      if redis.call('ZSCORE', KEYS[3], ARGV[1]) then
        return {1, 1, d, 0}
      end
      local rank = redis.call('ZRANK', KEYS[1], member(d, s, ARGV[1]))
      if rank then
        return {1, 0, d, rank}
      end
      local ahead = redis.call('ZCOUNT', KEYS[1], '-inf', -p)
      for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', d)) do
        if other ~= ARGV[1] then
          local op, od, os = parse(redis.call('HGET', KEYS[4], other) or '0|0|0|n')
          if op > p or (op == p and (od < d or (od == d and os < s))) then
            ahead = ahead + 1
          end
        end
      end
      return {1, 0, d, ahead}
      """;
}
