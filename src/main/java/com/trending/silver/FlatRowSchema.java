package com.trending.silver;

import java.util.List;
import org.apache.avro.Schema;

/**
 * A Silver row schema as the code that writes its rows field by field sees it ({@link
 * SilverEvent.Rows}, into Avro binary; {@link SilverRowWriter}, from Avro binary into Parquet): per
 * field its name, its non-null type and, for an optional field, which branch of its union is null.
 * Silver rows are flat: strings, numbers and booleans, each optional or not.
 */
final class FlatRowSchema {
  final Schema schema;
  final String[] names;
  final Schema.Type[] types;

  /** Per field, which branch of its union is null; -1 for a field that cannot be null. */
  final int[] nullBranch;

  /** Reads {@code schema}, refusing one that is not flat. */
  FlatRowSchema(Schema schema) {
    this.schema = schema;
    List<Schema.Field> fields = schema.getFields();
    names = new String[fields.size()];
    types = new Schema.Type[fields.size()];
    nullBranch = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      Schema field = fields.get(i).schema();
      names[i] = fields.get(i).name();
      nullBranch[i] = -1;
      if (field.getType() == Schema.Type.UNION) {
        List<Schema> branches = field.getTypes();
        if (branches.size() != 2) {
          throw notFlat(schema, names[i]);
        }
        nullBranch[i] = branches.get(0).getType() == Schema.Type.NULL ? 0 : 1;
        field = branches.get(1 - nullBranch[i]);
        if (branches.get(nullBranch[i]).getType() != Schema.Type.NULL) {
          throw notFlat(schema, names[i]);
        }
      }
      types[i] = field.getType();
      switch (types[i]) {
        case STRING, INT, LONG, FLOAT, DOUBLE, BOOLEAN -> {}
        default -> throw notFlat(schema, names[i]);
      }
    }
  }

  int size() {
    return names.length;
  }

  private static IllegalArgumentException notFlat(Schema schema, String field) {
    return new IllegalArgumentException(
        "Silver rows are flat (strings, numbers, booleans, optional or not); field "
            + field
            + " of "
            + schema.getFullName()
            + " is "
            + schema.getField(field).schema());
  }
}
