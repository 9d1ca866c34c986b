using System.Globalization;
using System.Net.Sockets;
using System.Text;
using ModelRunnerStandIn.Shared;

namespace ModelRunnerStandIn.Server;

public sealed class HttpRequest
{
    public required string Method { get; init; }
    public required string Path { get; init; }          // percent-decoded
    public required Dictionary<string, string> Query { get; init; }
    public required Dictionary<string, string> Headers { get; init; }
    public required byte[] Body { get; init; }
    public bool WantsClose { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// One request and its response on a raw socket. Raw, so the stand-in controls every byte: one HTTP chunk per
/// event, a mid-stream close without the terminating chunk, and noticing a client that went away.
/// </summary>
public sealed class HttpExchange(HttpRequest request, NetworkStream stream, Socket socket)
{
    public HttpRequest Request { get; } = request;
    /// <summary>The connection this request came on (for counting connections a client reused).</summary>
    public object Connection { get; } = socket;
    public bool HeadersSent { get; private set; }
    public bool Closed { get; private set; }
    private bool _chunked;

    private static string Reason(int status) => status switch
    {
        200 => "OK", 201 => "Created", 202 => "Accepted", 204 => "No Content",
        400 => "Bad Request", 401 => "Unauthorized", 404 => "Not Found", 405 => "Method Not Allowed",
        409 => "Conflict", 412 => "Precondition Failed", 413 => "Request Entity Too Large",
        422 => "Unprocessable Entity", 429 => "Too Many Requests",
        500 => "Internal Server Error", 502 => "Bad Gateway", 503 => "Service Unavailable", 504 => "Gateway Timeout",
        _ => "Status " + status.ToString(CultureInfo.InvariantCulture),
    };

    private byte[] Head(int status, string? contentType, long? length, IEnumerable<(string, string)>? extra)
    {
        var sb = new StringBuilder();
        sb.Append("HTTP/1.1 ").Append(status).Append(' ').Append(Reason(status)).Append("\r\n");
        if (contentType is not null) sb.Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (extra is not null)
            foreach (var (k, v) in extra) sb.Append(k).Append(": ").Append(v).Append("\r\n");
        sb.Append("Date: ").Append(DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        if (length is { } n) sb.Append("Content-Length: ").Append(n).Append("\r\n");
        else sb.Append("Transfer-Encoding: chunked\r\n");
        if (Request.WantsClose) sb.Append("Connection: close\r\n");
        sb.Append("\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    public async Task SendAsync(int status, string? contentType, byte[] body, IEnumerable<(string, string)>? headers = null)
    {
        var head = Head(status, contentType, body.Length, headers);
        var all = new byte[head.Length + body.Length];
        head.CopyTo(all, 0);
        body.CopyTo(all, head.Length);
        HeadersSent = true;
        await stream.WriteAsync(all);
    }

    /// <summary>Go's http.Error: the message plus a newline, as text/plain.</summary>
    public Task SendTextAsync(int status, string message, IEnumerable<(string, string)>? headers = null)
    {
        var extra = new List<(string, string)> { ("X-Content-Type-Options", "nosniff") };
        if (headers is not null) extra.AddRange(headers);
        return SendAsync(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"), extra);
    }

    /// <summary>Go's json.NewEncoder(w).Encode: compact, HTML-escaped, newline-terminated.</summary>
    public Task SendJsonAsync(int status, JNode body) =>
        SendAsync(status, "application/json", JsonOut.Compact(body).Concat("\n"u8.ToArray()).ToArray());

    public async Task BeginChunkedAsync(int status, string contentType, IEnumerable<(string, string)>? headers = null)
    {
        _chunked = true;
        HeadersSent = true;
        await stream.WriteAsync(Head(status, contentType, null, headers));
    }

    /// <summary>One HTTP chunk, sent at once (the socket has Nagle off): one event per chunk, flushed.</summary>
    public async Task WriteChunkAsync(ReadOnlyMemory<byte> data)
    {
        if (data.Length == 0) return;
        var size = Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        var frame = new byte[size.Length + data.Length + 2];
        size.CopyTo(frame, 0);
        data.Span.CopyTo(frame.AsSpan(size.Length));
        frame[^2] = (byte)'\r';
        frame[^1] = (byte)'\n';
        await stream.WriteAsync(frame);
    }

    public async Task EndChunkedAsync()
    {
        if (_chunked) await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
    }

    /// <summary>Ends the connection without finishing the response (a crashed runner): the client reads EOF.</summary>
    public void Close()
    {
        Closed = true;
        try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        socket.Close();
    }

    /// <summary>Completes when the client closes its side (or the socket fails).</summary>
    public async Task WaitForClientGoneAsync()
    {
        var buf = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buf) > 0) { }
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }
}
