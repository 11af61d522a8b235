//! Turning an uploaded picture into the one Roster keeps: decoded under
//! limits, turned upright, cropped to a square, resized and encoded again
//! as a small JPEG.
//!
//! Nothing of the upload but its pixels survives: not its bytes (which
//! could be a polyglot that a browser would run as something else), not its
//! metadata (a phone photo's EXIF carries where it was taken), not its
//! format. So the stored picture is always served as `image/jpeg`.

use crate::domain::avatar::{AvatarProblem, MAX_PIXELS, MAX_SIDE, MAX_UPLOAD_BYTES, STORED_SIDE};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// JPEG quality of stored pictures: no visible loss at 256 px, about 15 kB.
const JPEG_QUALITY: u8 = 85;

/// Decodes `upload` (PNG, JPEG or WebP, recognised by its content, never by
/// its name or declared type) and returns the stored picture: a
/// `STORED_SIDE`-pixel square JPEG. CPU-bound: run it off the async
/// workers.
pub fn process(upload: &[u8]) -> Result<Vec<u8>, AvatarProblem> {
    if upload.is_empty() {
        return Err(AvatarProblem::Missing);
    }
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(AvatarProblem::TooLarge);
    }
    let format = image::guess_format(upload).map_err(|_| AvatarProblem::UnsupportedFormat)?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(AvatarProblem::UnsupportedFormat);
    }
    let mut reader = ImageReader::with_format(Cursor::new(upload), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(problem)?;
    // Checked before a single pixel is decoded: a small file can declare a
    // huge picture (a "decompression bomb").
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(AvatarProblem::TooManyPixels);
    }
    // Phones store photos sideways and say so in EXIF; that tag goes with
    // the rest of the metadata, so turn the pixels now.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(problem)?;
    picture.apply_orientation(orientation);
    encode(&square(picture))
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Four bytes a pixel (RGBA), and some room for the decoder's own.
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

fn problem(error: ImageError) -> AvatarProblem {
    match error {
        ImageError::Limits(_) => AvatarProblem::TooManyPixels,
        ImageError::Unsupported(_) => AvatarProblem::UnsupportedFormat,
        _ => AvatarProblem::Unreadable,
    }
}

/// The largest centred square, at `STORED_SIDE` pixels, on white where the
/// picture was transparent (JPEG has no transparency).
fn square(picture: DynamicImage) -> RgbImage {
    let side = picture.width().min(picture.height());
    let x = (picture.width() - side) / 2;
    let y = (picture.height() - side) / 2;
    let cropped = picture.crop_imm(x, y, side, side);
    // Averaging is fast and sharp enough for shrinking; a smooth filter
    // for the rare picture smaller than the stored size.
    let sized = if side >= STORED_SIDE {
        cropped.thumbnail_exact(STORED_SIDE, STORED_SIDE)
    } else {
        cropped.resize_exact(STORED_SIDE, STORED_SIDE, FilterType::CatmullRom)
    };
    if !sized.color().has_alpha() {
        return sized.to_rgb8();
    }
    let rgba = sized.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            // (c·a + 255·(255 − a)) / 255, rounded; always within a byte.
            u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX)
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

fn encode(picture: &RgbImage) -> Result<Vec<u8>, AvatarProblem> {
    let mut out = Vec::with_capacity(32 * 1024);
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(picture)
        .map_err(|_| AvatarProblem::Unreadable)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    /// A picture, top half red and bottom half blue.
    fn red_over_blue(width: u32, height: u32) -> RgbaImage {
        RgbaImage::from_fn(width, height, |_, y| {
            if y < height / 2 {
                Rgba([255, 0, 0, 255])
            } else {
                Rgba([0, 0, 255, 255])
            }
        })
    }

    fn encoded(picture: &RgbaImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let picture = if format == ImageFormat::Jpeg {
            DynamicImage::ImageRgba8(picture.clone()).to_rgb8().into()
        } else {
            DynamicImage::ImageRgba8(picture.clone())
        };
        picture.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// A JPEG with an EXIF orientation (6: turn 90° clockwise to show) and
    /// a comment, both inserted right after the start-of-image marker.
    fn sideways_jpeg_with_metadata(picture: &RgbaImage) -> Vec<u8> {
        let jpeg = encoded(picture, ImageFormat::Jpeg);
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend([0, 1]); // one entry
        tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation = 6
        tiff.extend([0, 0, 0, 0]); // no next directory
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(tiff);
        let comment = b"taken at 51.5007 N, 0.1246 W".to_vec();
        let mut out = jpeg[..2].to_vec();
        for (marker, body) in [(0xE1u8, exif), (0xFE, comment)] {
            let length = u16::try_from(body.len() + 2).unwrap().to_be_bytes();
            out.extend([0xFF, marker, length[0], length[1]]);
            out.extend(body);
        }
        out.extend(&jpeg[2..]);
        out
    }

    fn decode(stored: &[u8]) -> RgbImage {
        assert_eq!(image::guess_format(stored).unwrap(), ImageFormat::Jpeg);
        image::load_from_memory(stored).unwrap().to_rgb8()
    }

    fn is_red(p: &image::Rgb<u8>) -> bool {
        p.0[0] > 200 && p.0[2] < 60
    }

    fn is_blue(p: &image::Rgb<u8>) -> bool {
        p.0[2] > 200 && p.0[0] < 60
    }

    #[test]
    fn png_jpeg_and_webp_become_a_square_jpeg() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let stored = process(&encoded(&red_over_blue(600, 400), format)).unwrap();
            let picture = decode(&stored);
            assert_eq!(
                picture.dimensions(),
                (STORED_SIDE, STORED_SIDE),
                "{format:?}"
            );
            assert!(is_red(picture.get_pixel(128, 20)), "{format:?}");
            assert!(is_blue(picture.get_pixel(128, 236)), "{format:?}");
            assert!(stored.len() < 64 * 1024);
        }
    }

    #[test]
    fn small_pictures_are_enlarged() {
        let picture = decode(&process(&encoded(&red_over_blue(40, 40), ImageFormat::Png)).unwrap());
        assert_eq!(picture.dimensions(), (STORED_SIDE, STORED_SIDE));
    }

    #[test]
    fn metadata_is_dropped_and_the_orientation_applied() {
        let upload = sideways_jpeg_with_metadata(&red_over_blue(200, 400));
        let stored = process(&upload).unwrap();
        let contains = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
        assert!(!contains(b"Exif"));
        assert!(!contains(b"51.5007"));
        // Turned clockwise, the red top is on the right.
        let picture = decode(&stored);
        assert!(is_blue(picture.get_pixel(40, 128)));
        assert!(is_red(picture.get_pixel(216, 128)));
    }

    #[test]
    fn transparency_becomes_white() {
        let clear = RgbaImage::from_pixel(300, 300, Rgba([0, 0, 0, 0]));
        let picture = decode(&process(&encoded(&clear, ImageFormat::Png)).unwrap());
        assert!(picture.get_pixel(128, 128).0.iter().all(|&c| c > 245));
    }

    #[test]
    fn what_is_not_a_picture_is_refused() {
        assert_eq!(process(b""), Err(AvatarProblem::Missing));
        assert_eq!(
            process(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Err(AvatarProblem::UnsupportedFormat)
        );
        // A GIF is a picture, but not one of the three formats.
        assert_eq!(
            process(b"GIF89a\x01\0\x01\0\0\0\0;"),
            Err(AvatarProblem::UnsupportedFormat)
        );
        let mut truncated = encoded(&red_over_blue(300, 300), ImageFormat::Png);
        truncated.truncate(truncated.len() / 2);
        assert_eq!(process(&truncated), Err(AvatarProblem::Unreadable));
        assert_eq!(
            process(&vec![0u8; MAX_UPLOAD_BYTES + 1]),
            Err(AvatarProblem::TooLarge)
        );
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks carry.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A well-formed PNG header declaring `width` × `height` pixels, and
    /// hardly any pixel data: a few dozen bytes.
    fn png_declaring(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 6, 0, 0, 0]); // 8-bit RGBA, no interlace
        png.extend(13u32.to_be_bytes());
        png.extend(&ihdr);
        png.extend(crc32(&ihdr).to_be_bytes());
        // The start of a zlib stream: decoders read the header up to here.
        let idat = b"IDAT\x78\x9c";
        png.extend(2u32.to_be_bytes());
        png.extend(idat);
        png.extend(crc32(idat).to_be_bytes());
        png.extend(0u32.to_be_bytes());
        png.extend(b"IEND");
        png.extend(crc32(b"IEND").to_be_bytes());
        png
    }

    #[test]
    fn a_huge_picture_in_a_small_file_is_refused_before_decoding() {
        // 9000 × 6000 is 54 megapixels (about 216 MB to decode), each side
        // within the limit.
        assert_eq!(
            process(&png_declaring(9000, 6000)),
            Err(AvatarProblem::TooManyPixels)
        );
        assert_eq!(
            process(&png_declaring(20_000, 10)),
            Err(AvatarProblem::TooManyPixels)
        );
        // Within the limits, the same missing pixel data is just unreadable.
        assert_eq!(
            process(&png_declaring(100, 100)),
            Err(AvatarProblem::Unreadable)
        );
    }
}
