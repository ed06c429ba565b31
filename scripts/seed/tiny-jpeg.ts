/**
 * A real, tiny JPEG (1×1 px) whose bytes vary with `seed` (it rides in a comment segment after SOI), so each
 * demo or test photo has its own SHA-256 and still opens in any viewer.
 */
export function tinyJpeg(seed: string): Uint8Array<ArrayBuffer> {
  const base = Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
    'base64',
  );
  const comment = Buffer.from(`gridsafe-${seed}`);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
  return Uint8Array.from(Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]));
}
