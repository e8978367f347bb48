using System.IO.Compression;
using System.Text;

namespace Movement.Motion.Recordings;

/// <summary>Opens a recording's text, gzipped or not, so the same readers take a data set as published and the trimmed copies the repository keeps.</summary>
public static class RecordingFiles
{
    /// <summary>
    /// Opens <paramref name="path"/>; a name ending in <c>.gz</c> is decompressed, and a missing file is looked for as
    /// <c><paramref name="path"/>.gz</c> (so <c>…/test.txt</c> finds the repository's <c>…/test.txt.gz</c>).
    /// </summary>
    /// <summary>Whether <see cref="OpenText"/> finds <paramref name="path"/>, as published or as its <c>.gz</c> copy.</summary>
    public static bool Exists(string path) => File.Exists(path) || File.Exists(path + ".gz");

    public static StreamReader OpenText(string path)
    {
        if (!File.Exists(path) && File.Exists(path + ".gz"))
        {
            path += ".gz";
        }

        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }
}
