// The Internet checksum, RFC 1071: the 16-bit one's complement of the one's complement
// sum of the 16-bit big-endian words of the data.

/**
 * Checksum over the concatenation of `parts` (as one byte stream: an odd-length part
 * pairs its last byte with the next part's first). A trailing odd byte is padded with
 * zero (RFC 1071 §4.1). A region that includes a correct checksum field sums to 0.
 */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0;
  let highByte = true;
  for (const part of parts) {
    for (const byte of part) {
      sum += highByte ? byte << 8 : byte;
      highByte = !highByte;
    }
    // Fold early so the sum stays a small exact integer for any input size.
    if (sum > 0xffffffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  }
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
