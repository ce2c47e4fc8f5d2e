// Reads a Python program for 'check' and 'run' from a file or stdin and refuses what is not a program: input
// over the input size limit (InputLimit, 1 MiB unless AGENTCODE_MAX_INPUT_KB says otherwise), binary content (NUL bytes) and invalid UTF-8, each with one clear sentence instead of a stack trace.
using System.Text;
using AgentCode.Server.Settings;

namespace AgentCode.Server.Cli;

internal static class ProgramInput
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the program, or returns a sentence saying why it cannot be used.</summary>
    public static (string? Code, string? Error) Read(string path, Stream? stdin = null)
    {
        var name = path == "-" ? "stdin" : path;
        var limit = InputLimit.Resolve(null, Environment.GetEnvironmentVariable);
        byte[] bytes;
        try
        {
            bytes = path == "-" ? ReadCapped(stdin ?? Console.OpenStandardInput(), limit.MaxBytes) : ReadFile(path, limit.MaxBytes);
        }
        catch (FileNotFoundException)
        {
            return (null, $"{name}: file not found.");
        }
        catch (DirectoryNotFoundException)
        {
            return (null, $"{name}: file not found.");
        }
        catch (UnauthorizedAccessException)
        {
            return (null, $"{name}: permission denied.");
        }
        catch (TooLargeException e)
        {
            return (null, limit.RefusalFor(e.Bytes, name));
        }
        catch (IOException e)
        {
            return (null, $"{name}: could not be read ({e.Message}).");
        }

        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return (null, $"{name}: looks like a binary file (it contains NUL bytes), not Python source.");
        }

        try
        {
            var text = StrictUtf8.GetString(bytes);
            return (text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text, null);
        }
        catch (DecoderFallbackException e)
        {
            return (null, $"{name}: is not valid UTF-8 (bad byte at offset {e.Index}); save it as UTF-8 and try again.");
        }
    }

    private static byte[] ReadFile(string path, long maxBytes)
    {
        if (Directory.Exists(path))
        {
            throw new IOException("it is a directory");
        }

        using var stream = File.OpenRead(path);
        if (stream.CanSeek && stream.Length > maxBytes)
        {
            throw new TooLargeException(stream.Length);
        }
        return ReadCapped(stream, maxBytes);
    }

    private static byte[] ReadCapped(Stream stream, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new TooLargeException(null);
            }
        }

        return buffer.ToArray();
    }

    private sealed class TooLargeException(long? bytes) : Exception
    {
        public long? Bytes { get; } = bytes;
    }
}
