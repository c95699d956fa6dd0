/*
 * The latency bench's input: clicks at a fixed rate, event time = the wall clock when each record is
 * made, produced with the Java client (a few microseconds a record: kafkajs costs ~30 us, which
 * would take most of this machine's CPU at 50,000 events/s). Run in source-file mode:
 *
 *   java -cp '<kafka-clients and slf4j-api jars>' PacedProducer.java \
 *        <brokers> <topic> <partitions> <rate> <durationMs> <users> <windowMs> <boundMs> <seed>
 *
 * Values have the shape of bench/lib/workload.ts's clickValue; key = userId, partition = user % partitions.
 * Lines on stdout:
 *   started <epochMs>
 *   users <windowStart> <u,u,...>    each window's users, once the wall clock passed its end
 *   close <windowEnd> <epochMs>      once every partition acknowledged a record with event time >= end + bound:
 *                                    the latest of those records' timestamps (the broker's append time on a
 *                                    LogAppendTime topic)
 *   done <made> <worstBehindMs>
 */
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

public class PacedProducer {
  static final String[] TYPES = {"view", "click", "add_to_cart", "purchase", "remove_from_cart", "search"};
  static final String[] DEVICES = {"mobile", "desktop", "tablet"};
  static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "IN", "BR", "JP", "NL"};

  public static void main(String[] a) throws Exception {
    String brokers = a[0], topic = a[1];
    int partitions = Integer.parseInt(a[2]);
    long rate = Long.parseLong(a[3]), durationMs = Long.parseLong(a[4]);
    int users = Integer.parseInt(a[5]);
    long windowMs = Long.parseLong(a[6]), boundMs = Long.parseLong(a[7]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(a[8]));
    int digits = String.valueOf(users - 1).length();

    Properties p = new Properties();
    p.put("bootstrap.servers", brokers);
    p.put("acks", "all");
    p.put("linger.ms", "2");
    p.put("batch.size", "262144");
    p.put("compression.type", "none");
    // In order per partition, as sluice's bench producers keep it: a close is the first record past it.
    p.put("max.in.flight.requests.per.connection", "1");
    p.put("enable.idempotence", "false");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    KafkaProducer<String, String> producer = new KafkaProducer<>(p);

    long startedAt = System.currentTimeMillis();
    System.out.println("started " + startedAt);
    // Per partition: the last window end whose close it has acknowledged. Per end: each partition's time.
    long[] lastEnd = new long[partitions];
    java.util.Arrays.fill(lastEnd, Math.floorDiv(startedAt - boundMs, windowMs) * windowMs);
    TreeMap<Long, long[]> closes = new TreeMap<>();
    Map<Long, BitSet> seen = new HashMap<>();

    long began = System.nanoTime();
    long made = 0;
    long worstBehindMs = 0;
    StringBuilder sb = new StringBuilder(256);
    while (true) {
      long elapsedNs = System.nanoTime() - began;
      if (elapsedNs >= durationMs * 1_000_000L) break;
      long due = elapsedNs * rate / 1_000_000_000L;
      if (due - made > rate / 100) worstBehindMs = Math.max(worstBehindMs, (due - made) * 1000 / rate);
      long now = System.currentTimeMillis();
      for (; made < due; made++) {
        int u = random.nextInt(users);
        String userId = "user-" + pad(u, digits);
        int i = (int) made;
        sb.setLength(0);
        sb.append("{\"userId\":\"").append(userId).append("\",\"eventType\":\"").append(TYPES[random.nextInt(TYPES.length)])
            .append("\",\"timestamp\":").append(now).append(",\"sessionId\":\"s-").append(Integer.toString(u, 36)).append('-')
            .append(Integer.toString(i % 97, 36)).append("\",\"page\":\"/product/").append(i % 50_021).append("\",\"device\":\"")
            .append(DEVICES[i % DEVICES.length]).append("\",\"country\":\"").append(COUNTRIES[u % COUNTRIES.length])
            .append("\",\"ua\":\"Mozilla/5.0 (X11; Linux x86_64)\"}");
        seen.computeIfAbsent(Math.floorDiv(now, windowMs) * windowMs, k -> new BitSet(users)).set(u);
        final int partition = u % partitions;
        final long ts = now;
        producer.send(new ProducerRecord<>(topic, partition, userId, sb.toString()), (meta, err) -> {
          if (err != null) {
            System.err.println("send failed: " + err);
            System.exit(1);
          }
          long upTo = Math.floorDiv(ts - boundMs, windowMs) * windowMs;
          synchronized (closes) {
            for (long e = lastEnd[partition] + windowMs; e <= upTo; e += windowMs) {
              long[] at = closes.computeIfAbsent(e, k -> new long[partitions]);
              at[partition] = meta.timestamp();
              boolean all = true;
              long latest = 0;
              for (long t : at) {
                all &= t > 0;
                latest = Math.max(latest, t);
              }
              if (all) {
                System.out.println("close " + e + " " + latest);
                closes.remove(e);
              }
            }
            if (upTo > lastEnd[partition]) lastEnd[partition] = upTo;
          }
        });
      }
      flushUsers(seen, now, windowMs);
      Thread.sleep(1);
    }
    producer.flush();
    flushUsers(seen, Long.MAX_VALUE, windowMs);
    producer.close();
    System.out.println("done " + made + " " + worstBehindMs);
  }

  static void flushUsers(Map<Long, BitSet> seen, long now, long windowMs) {
    var it = seen.entrySet().iterator();
    while (it.hasNext()) {
      var w = it.next();
      if (w.getKey() + windowMs > now) continue;
      StringBuilder line = new StringBuilder("users ").append(w.getKey()).append(' ');
      w.getValue().stream().forEach(u -> line.append(u).append(','));
      System.out.println(line);
      it.remove();
    }
  }

  static String pad(int u, int digits) {
    String s = Integer.toString(u);
    return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
  }
}
