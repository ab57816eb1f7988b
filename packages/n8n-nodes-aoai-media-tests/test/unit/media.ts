/** Small real media for unit tests. */
import { samplePng } from '@aoai-media/emulator';

export const PNG_1X1 = Buffer.from(samplePng(1, 1));
/** Sora 2 on Azure needs a reference image of exactly the video's size. */
export const PNG_720X1280 = Buffer.from(samplePng(720, 1280));

/** A JPEG's first bytes are enough for type detection. */
export const JPEG_HEAD = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
]);

/** An MP4 starts with an ftyp box. */
export const MP4_HEAD = Buffer.from([
  0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32, 0, 0, 0, 0, 0x6d, 0x70, 0x34, 0x32, 0x69,
  0x73, 0x6f, 0x6d,
]);
