package com.trending.common;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.util.VarInt;

/**
 * An encoded block of values, as its length, then its bytes. For values that cross a grouping as
 * one byte array: the Direct runner copies a key's grouped values through their coder each time a
 * bundle adds to them (and again when a window's timer fires), which for a block is one array copy.
 * Beam's byte-array coder reads an outermost array up to the end of its stream, growing a buffer as
 * it goes; this one reads exactly its length.
 */
public final class BlockCoder extends AtomicCoder<byte[]> {
  private static final BlockCoder INSTANCE = new BlockCoder();

  public static BlockCoder of() {
    return INSTANCE;
  }

  private BlockCoder() {}

  @Override
  public void encode(byte[] block, OutputStream out) throws IOException {
    VarInt.encode(block.length, out);
    out.write(block);
  }

  @Override
  public byte[] decode(InputStream in) throws IOException {
    int length = VarInt.decodeInt(in);
    byte[] block = in.readNBytes(length);
    if (block.length != length) {
      throw new EOFException("A block of " + length + " bytes ends after " + block.length);
    }
    return block;
  }

  @Override
  public void verifyDeterministic() {}
}
