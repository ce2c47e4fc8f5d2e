// The outcome of one model call as a value: the reply text, or a classified failure that keeps whatever part
// of the reply arrived before it. Kinds are stable strings the extension can switch on.
namespace AgentCode.Server.Generation;

/// <summary>Stable failure kinds of a model call and of a generation as a whole.</summary>
public static class GenerationErrorKinds
{
    /// <summary>No API key and no local base URL; no request was made.</summary>
    public const string NoApiKey = "no-api-key";
    /// <summary>The base URL is not an absolute http(s) URL.</summary>
    public const string BadBaseUrl = "bad-base-url";
    /// <summary>401/403: the key was refused.</summary>
    public const string Unauthorized = "unauthorized";
    /// <summary>429 after the bounded retries.</summary>
    public const string RateLimited = "rate-limited";
    /// <summary>5xx after the bounded retries.</summary>
    public const string ServerError = "server-error";
    /// <summary>Another 4xx, e.g. an unknown model.</summary>
    public const string BadRequest = "bad-request";
    /// <summary>No complete reply within the deadline.</summary>
    public const string Timeout = "timeout";
    /// <summary>The stream ended before the model finished.</summary>
    public const string Truncated = "truncated";
    /// <summary>The server could not be reached.</summary>
    public const string Network = "network";
    /// <summary>The reply had no code block.</summary>
    public const string NoCode = "no-code";
    /// <summary>The code has a syntax error.</summary>
    public const string Syntax = "syntax";
    /// <summary>The checker found an error-severity policy finding.</summary>
    public const string Blocked = "blocked";
    /// <summary>The trial run raised an exception or exited non-zero.</summary>
    public const string Runtime = "runtime";
    /// <summary>The trial run hit the memory cap.</summary>
    public const string Memory = "memory";
    /// <summary>The trial run wrote more output than allowed.</summary>
    public const string OutputLimit = "output-limit";
    /// <summary>The trial run hit its deadline.</summary>
    public const string RunTimeout = "run-timeout";
    /// <summary>Every attempt failed its check or trial run.</summary>
    public const string AttemptsExhausted = "attempts-exhausted";
}

/// <summary>What a model call produced.</summary>
public abstract record ModelReply
{
    private ModelReply() { }

    /// <summary>The model answered in full.</summary>
    /// <param name="Text">The reply.</param>
    public sealed record Success(string Text) : ModelReply;

    /// <summary>The call failed; <paramref name="PartialText"/> is whatever streamed in before it did.</summary>
    /// <param name="Kind">One of <see cref="GenerationErrorKinds"/>.</param>
    /// <param name="Message">What happened and what to do.</param>
    /// <param name="PartialText">Text received before the failure.</param>
    public sealed record Failure(string Kind, string Message, string PartialText) : ModelReply;
}
