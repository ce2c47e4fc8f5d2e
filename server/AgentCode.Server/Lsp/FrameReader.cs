// Reads LSP base-protocol frames (Content-Length headers, then that many bytes) and finds its way back to the next
// frame after any malformed one. Two facts make resynchronising safe: a frame can only start at a header that
// begins "Content-Length:" or "Content-Type:", and a valid JSON body can never contain "Content-Length: <digits>"
// followed by a raw line break (outside a string 'C' starts no token, inside one a raw line break is not allowed).
// So garbage is skipped up to the next "Content-Length", and a body that turns out to hold such a header line was
// declared too long: the frame ends there and the header that follows is read as the next frame.
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace AgentCode.Server.Lsp;

/// <summary>What one read produced: a body, or a problem to report (with the JSON-RPC code to report it with).</summary>
/// <param name="Body">The body of a well-framed message, or null when <paramref name="Problem"/> is set.</param>
/// <param name="Problem">A sentence saying what was wrong with the bytes, or null.</param>
/// <param name="TooLarge">True when the problem is a body over the message size limit (InvalidRequest rather than ParseError).</param>
internal readonly record struct Frame(byte[]? Body, string? Problem, bool TooLarge = false);

/// <summary>Content-Length framing over a pipe, tolerant of malformed frames.</summary>
internal sealed class FrameReader(PipeReader input, long maxBodyBytes)
{
    private const int MaxHeaderBytes = 8 * 1024;
    private static readonly byte[] ContentLength = "Content-Length"u8.ToArray();
    private static readonly string[] HeaderNames = ["Content-Length:", "Content-Type:"];

    /// <summary>
    /// True after a problem was reported and until the next good frame: garbage met while finding the next header is
    /// then part of the same problem and is skipped silently.
    /// </summary>
    private bool _resyncing;

    /// <summary>The next frame, or null at the end of the input.</summary>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var header = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (header is not { } h)
            {
                return null;
            }
            if (h.Problem is not null)
            {
                if (h.Garbage && _resyncing)
                {
                    continue; // Part of a problem already reported.
                }
                _resyncing = true;
                return new Frame(null, h.Problem);
            }
            var body = await ReadBodyAsync(h.Length, cancellationToken).ConfigureAwait(false);
            if (body is not { } b)
            {
                return null;
            }
            _resyncing = b.Problem is not null;
            return b;
        }
    }

    /// <summary>
    /// Tells the reader that the last body was not a message (e.g. its length was too short): the bytes up to the
    /// next header belong to the same problem and are skipped without a second report.
    /// </summary>
    public void Resync() => _resyncing = true;

    private readonly record struct Header(long Length, string? Problem, bool Garbage = false);

    /// <summary>Skips to and reads a header block; null at the end of the input.</summary>
    private async ValueTask<Header?> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var garbage = false;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var step = ParseHeader(buffer, result.IsCompleted);
            switch (step.Kind)
            {
                case StepKind.NeedMore:
                    if (result.IsCompleted)
                    {
                        input.AdvanceTo(buffer.End);
                        return null;
                    }
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                case StepKind.Skip:
                    garbage |= step.Garbage;
                    input.AdvanceTo(buffer.GetPosition(step.Consumed));
                    continue;
                case StepKind.Header:
                    if (garbage)
                    {
                        // Bytes that were no frame came before this header: report them, and read the header next time.
                        input.AdvanceTo(buffer.Start);
                        return new Header(-1, "Bytes that are not an LSP message were skipped up to the next Content-Length header.", Garbage: true);
                    }
                    input.AdvanceTo(buffer.GetPosition(step.Consumed));
                    return new Header(step.Length, step.Problem);
                default:
                    throw new InvalidOperationException("Unknown step.");
            }
        }
    }

    private enum StepKind { NeedMore, Skip, Header }

    private readonly record struct Step(StepKind Kind, long Consumed = 0, bool Garbage = false, long Length = -1, string? Problem = null);

    /// <summary>Decides what the start of <paramref name="buffer"/> is: whitespace or garbage to skip, a header block, or too little to tell.</summary>
    private static Step ParseHeader(ReadOnlySequence<byte> buffer, bool completed)
    {
        if (buffer.IsEmpty)
        {
            return new Step(StepKind.NeedMore);
        }
        var head = buffer.Slice(0, Math.Min(buffer.Length, MaxHeaderBytes + 2)).ToArray();
        var ws = 0;
        while (ws < head.Length && head[ws] is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t')
        {
            ws++;
        }
        if (ws > 0)
        {
            return new Step(StepKind.Skip, ws); // Blank lines between frames are harmless.
        }
        var start = StartsWithHeaderName(head);
        if (start is null)
        {
            return completed ? new Step(StepKind.Skip, buffer.Length, Garbage: true) : new Step(StepKind.NeedMore);
        }
        if (start is false)
        {
            return SkipToNextContentLength(buffer, 1);
        }

        // Header lines up to an empty line.
        long length = -1;
        string? problem = null;
        var pos = 0;
        while (true)
        {
            var eol = Array.IndexOf(head, (byte)'\n', pos);
            if (eol < 0)
            {
                if (head.Length > MaxHeaderBytes)
                {
                    return SkipToNextContentLength(buffer, 1);
                }
                return completed ? new Step(StepKind.Skip, buffer.Length, Garbage: true) : new Step(StepKind.NeedMore);
            }
            var lineEnd = eol > pos && head[eol - 1] == (byte)'\r' ? eol - 1 : eol;
            var line = Encoding.ASCII.GetString(head, pos, lineEnd - pos);
            pos = eol + 1;
            if (line.Length == 0)
            {
                break;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsToken(line.AsSpan(0, colon)))
            {
                // Not a header line: what looked like a header start was garbage.
                return SkipToNextContentLength(buffer, 1);
            }
            if (line[..colon].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                var value = line[(colon + 1)..].Trim();
                if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    length = n;
                }
                else
                {
                    problem = $"The Content-Length header '{Shorten(value)}' is not a number of bytes; the message was skipped.";
                }
            }
        }
        if (problem is null && length < 0)
        {
            problem = "The message has no Content-Length header; it was skipped.";
        }
        // With a problem, the body that may follow cannot be told apart from garbage and is skipped as such.
        return new Step(StepKind.Header, pos, Length: length, Problem: problem);
    }

    /// <summary>True for a known header name at the start, false for anything else, null when too few bytes to tell.</summary>
    private static bool? StartsWithHeaderName(byte[] head)
    {
        foreach (var name in HeaderNames)
        {
            var n = Math.Min(name.Length, head.Length);
            if (Encoding.ASCII.GetString(head, 0, n).Equals(name[..n], StringComparison.OrdinalIgnoreCase))
            {
                return n == name.Length ? true : null;
            }
        }
        return false;
    }

    private static bool IsToken(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }
        return true;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    private static Step SkipToNextContentLength(ReadOnlySequence<byte> buffer, long from)
    {
        var next = FindContentLength(buffer, from);
        if (next >= 0)
        {
            return new Step(StepKind.Skip, next, Garbage: true);
        }
        // Keep a tail that may be the start of a header split across reads.
        var keep = Math.Min(buffer.Length - from, ContentLength.Length - 1);
        return new Step(StepKind.Skip, buffer.Length - keep, Garbage: true);
    }

    /// <summary>Position of the next "Content-Length" at or after <paramref name="from"/>, or -1.</summary>
    private static long FindContentLength(ReadOnlySequence<byte> buffer, long from)
    {
        if (from >= buffer.Length)
        {
            return -1;
        }
        var reader = new SequenceReader<byte>(buffer.Slice(from));
        return reader.TryReadTo(out ReadOnlySequence<byte> _, ContentLength, advancePastDelimiter: false) ? from + reader.Consumed : -1;
    }

    /// <summary>
    /// Reads a body of <paramref name="length"/> bytes, or skips it when over the limit. A header line found inside
    /// the declared body ends the frame early (the length was too long). Null at the end of the input.
    /// </summary>
    private async ValueTask<Frame?> ReadBodyAsync(long length, CancellationToken cancellationToken)
    {
        var keep = length <= maxBodyBytes;
        long left = length;      // Bytes of the declared body not consumed yet.
        long scanFrom = 0;       // Offset in the current buffer from which the body is still to be scanned.
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var (found, resume, undecided) = FindEmbeddedHeader(buffer, scanFrom, Math.Min(buffer.Length, left));
            if (found >= 0)
            {
                input.AdvanceTo(buffer.GetPosition(found));
                return new Frame(null, $"The message ended before its Content-Length of {length} bytes (another message's header came first); it was skipped.");
            }
            if (buffer.Length >= left && !(undecided && !result.IsCompleted))
            {
                if (!keep)
                {
                    input.AdvanceTo(buffer.GetPosition(left));
                    return new Frame(null, $"The message of {length} bytes is larger than the limit of {maxBodyBytes} bytes and was ignored.", TooLarge: true);
                }
                var body = buffer.Slice(0, left).ToArray();
                input.AdvanceTo(buffer.GetPosition(left));
                return new Frame(body, null);
            }
            if (result.IsCompleted)
            {
                input.AdvanceTo(buffer.End);
                return null;
            }
            if (keep)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                scanFrom = resume;
            }
            else
            {
                // Too large to keep: let go of what is scanned, so skipping never buffers the whole body.
                input.AdvanceTo(buffer.GetPosition(resume), buffer.End);
                left -= resume;
                scanFrom = 0;
            }
        }
    }

    /// <summary>
    /// Looks for "Content-Length: digits" and a line break starting in [<paramref name="from"/>, <paramref name="to"/>)
    /// (it may run past <paramref name="to"/>). Returns its position or -1, the offset from which a later scan must
    /// resume, and whether a candidate was cut off by the end of the buffer (undecided until more bytes arrive).
    /// </summary>
    private static (long Found, long Resume, bool Undecided) FindEmbeddedHeader(ReadOnlySequence<byte> buffer, long from, long to)
    {
        var at = from;
        while (at < to)
        {
            var next = FindContentLength(buffer, at);
            if (next < 0 || next >= to)
            {
                var partial = PartialAtEnd(buffer, Math.Max(at, buffer.Length - (ContentLength.Length - 1)), to);
                return partial >= 0 ? (-1, partial, true) : (-1, Math.Max(from, to - (ContentLength.Length - 1)), false);
            }
            switch (MatchHeaderLine(buffer, next))
            {
                case true:
                    return (next, next, false);
                case null:
                    return (-1, next, true);
            }
            at = next + 1;
        }
        return (-1, Math.Max(from, to), false);
    }

    /// <summary>The first position in [<paramref name="from"/>, <paramref name="to"/>) where the buffer's tail is a proper prefix of "Content-Length", or -1.</summary>
    private static long PartialAtEnd(ReadOnlySequence<byte> buffer, long from, long to)
    {
        for (var p = Math.Max(from, 0); p < Math.Min(to, buffer.Length); p++)
        {
            var tail = buffer.Slice(p).ToArray();
            if (tail.Length < ContentLength.Length && tail.AsSpan().SequenceEqual(ContentLength.AsSpan(0, tail.Length)))
            {
                return p;
            }
        }
        return -1;
    }

    /// <summary>Whether "Content-Length:", spaces, digits and a line break start at <paramref name="at"/>; null when the buffer ends first.</summary>
    private static bool? MatchHeaderLine(ReadOnlySequence<byte> buffer, long at)
    {
        var reader = new SequenceReader<byte>(buffer.Slice(at + ContentLength.Length));
        if (!reader.TryRead(out var b))
        {
            return null;
        }
        if (b != (byte)':')
        {
            return false;
        }
        var digits = 0;
        while (reader.TryRead(out b))
        {
            if (b == (byte)' ' && digits == 0)
            {
                continue;
            }
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                digits++;
                if (digits > 19)
                {
                    return false;
                }
                continue;
            }
            return digits > 0 && b is (byte)'\r' or (byte)'\n';
        }
        return null;
    }
}
