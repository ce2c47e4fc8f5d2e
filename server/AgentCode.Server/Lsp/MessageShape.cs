// Looks at a message body before StreamJsonRpc does, so that every shape JSON-RPC 2.0 rules out gets the error code
// the specification gives it, with the request's id where there is one: not JSON at all is a ParseError (-32700);
// JSON that is not a request, notification or response (an array, a string, an object without a method) is an
// InvalidRequest (-32600); params that are neither an object nor an array are InvalidParams (-32602). It only
// reads the top-level members; the values are skipped, so the cost is one pass of the reader over the bytes.
using System.Text.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace AgentCode.Server.Lsp;

/// <summary>What a message body is, as far as JSON-RPC framing is concerned.</summary>
internal enum MessageKind
{
    /// <summary>Not valid JSON.</summary>
    NotJson,
    /// <summary>JSON, but no valid request, notification or response.</summary>
    Invalid,
    /// <summary>A request (method and id).</summary>
    Request,
    /// <summary>A notification (method, no id).</summary>
    Notification,
    /// <summary>A response (result or error, and an id).</summary>
    Response,
}

/// <summary>The top-level shape of one message.</summary>
/// <param name="Kind">What the message is.</param>
/// <param name="Method">The method, for requests and notifications.</param>
/// <param name="Id">The id, when the message has a valid one; otherwise <see cref="RequestId.Null"/>.</param>
/// <param name="Problem">Why the message is invalid, or why its params are; null when it is fine.</param>
/// <param name="ParamsInvalid">True when only the params are wrong (not an object or array).</param>
internal sealed record MessageShape(MessageKind Kind, string? Method, RequestId Id, string? Problem, bool ParamsInvalid = false)
{
    /// <summary>Reads the top level of <paramref name="body"/>.</summary>
    public static MessageShape Inspect(byte[] body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read())
            {
                return new(MessageKind.NotJson, null, RequestId.Null, "The message body is empty.");
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var batch = reader.TokenType == JsonTokenType.StartArray;
                reader.Skip();
                EnsureEnd(ref reader);
                return new(MessageKind.Invalid, null, RequestId.Null, batch
                    ? "Batches (JSON arrays) are not supported by the Language Server Protocol: send one object per message."
                    : "A JSON-RPC message must be a JSON object.");
            }
            string? method = null;
            var methodInvalid = false;
            var id = RequestId.Null;
            var hasId = false;
            var idInvalid = false;
            JsonTokenType? paramsToken = null;
            var hasOutcome = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "method":
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            method = reader.GetString();
                        }
                        else
                        {
                            methodInvalid = true;
                        }
                        break;
                    case "id":
                        hasId = true;
                        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n))
                        {
                            id = new RequestId(n);
                        }
                        else if (reader.TokenType == JsonTokenType.String)
                        {
                            id = new RequestId(reader.GetString());
                        }
                        else if (reader.TokenType != JsonTokenType.Null)
                        {
                            idInvalid = true;
                        }
                        break;
                    case "params":
                        paramsToken = reader.TokenType;
                        break;
                    case "result":
                    case "error":
                        hasOutcome = true;
                        break;
                }
                reader.Skip();
            }
            EnsureEnd(ref reader);

            if (idInvalid)
            {
                return new(MessageKind.Invalid, method, RequestId.Null, "The id must be a number or a string.");
            }
            if (methodInvalid)
            {
                return new(MessageKind.Invalid, null, id, "The method must be a string.");
            }
            if (method is null)
            {
                return hasOutcome && hasId
                    ? new(MessageKind.Response, null, id, null)
                    : new(MessageKind.Invalid, null, id, "The message has no method: a request or notification needs a 'method' string.");
            }
            var kind = hasId ? MessageKind.Request : MessageKind.Notification;
            if (paramsToken is { } p && p is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.Null))
            {
                return new(kind, method, id, $"The params of {method} must be an object (or an array), not a {Describe(p)}.", ParamsInvalid: true);
            }
            return new(kind, method, id, null);
        }
        catch (JsonException e)
        {
            return new(MessageKind.NotJson, null, RequestId.Null, "The message is not valid JSON: " + e.Message);
        }
    }

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        // Reading past the value throws on anything but trailing whitespace.
        if (reader.Read())
        {
            throw new JsonException("there is more than one JSON value in the message.");
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        _ => token.ToString().ToLowerInvariant(),
    };
}
