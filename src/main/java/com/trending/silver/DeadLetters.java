package com.trending.silver;

import com.trending.common.DeadLetterReason;
import com.trending.common.Schemas;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Builds rows of the dead-letter tables ({@code schemas/avro/deadletter.avsc}). */
public final class DeadLetters {
  private DeadLetters() {}

  public static final Schema SCHEMA = Schemas.avro("deadletter");

  /** A dead-letter row keeping the exact payload (base64) and where it came from. */
  public static GenericRecord row(
      Schema schema,
      byte[] payload,
      String topic,
      int partition,
      long offset,
      DeadLetterReason reason,
      String detail,
      long errorTsMillis) {
    byte[] bytes = payload == null ? new byte[0] : payload;
    GenericData.Record row = new GenericData.Record(schema);
    row.put("raw_payload", new String(bytes, StandardCharsets.UTF_8));
    row.put("raw_payload_base64", Base64.getEncoder().encodeToString(bytes));
    row.put("topic", topic);
    row.put("kafka_partition", partition);
    row.put("kafka_offset", offset);
    row.put("error_reason", reason.code());
    row.put("error_detail", detail);
    row.put("error_ts", errorTsMillis);
    return row;
  }
}
