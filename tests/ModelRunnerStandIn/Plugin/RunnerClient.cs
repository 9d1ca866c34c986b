using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelRunnerStandIn.Plugin;

/// <summary>
/// An error with the text Go's net/http and the CLI's desktop client would produce.
/// A raw socket client (not HttpClient) keeps plugin start-up short and lets us word every failure like Go.
/// </summary>
public sealed class GoError(string message, bool retryable = false, bool unavailable = false) : Exception(message)
{
    public bool Retryable { get; } = retryable;
    public bool Unavailable { get; } = unavailable;   // desktop.ErrServiceUnavailable: any HTTP 503

    public static GoError ServiceUnavailable() => new("service unavailable", retryable: true, unavailable: true);
}

public sealed class RunnerResponse(int status, string statusText, Stream body, Socket socket, IDisposable? cancelRegistration)
    : IDisposable
{
    public int Status { get; } = status;
    public string StatusText { get; } = statusText;   // Go's resp.Status, e.g. "404 Not Found"
    public Stream Body { get; } = body;

    public byte[] ReadAll()
    {
        var ms = new MemoryStream();
        Body.CopyTo(ms);
        return ms.ToArray();
    }

    public string ReadText() => Encoding.UTF8.GetString(ReadAll());

    public LineReader Lines() => new(Body);

    public void Dispose()
    {
        cancelRegistration?.Dispose();
        socket.Dispose();
    }
}

/// <summary>HTTP/1.1 to MODEL_RUNNER_HOST, one connection per request.</summary>
public sealed class RunnerClient
{
    public const string UserAgent = "docker-model-cli/v1.2.6";
    private readonly string _host;
    private readonly int _port;
    private readonly string _basePath;
    public string BaseUrl { get; }

    public RunnerClient(string baseUrl)
    {
        BaseUrl = baseUrl.TrimEnd('/');
        var uri = new Uri(BaseUrl);
        _host = uri.Host;
        _port = uri.IsDefaultPort ? 80 : uri.Port;
        _basePath = uri.AbsolutePath.TrimEnd('/');
    }

    /// <summary>The URL the CLI builds (modelRunner.URL(path)).</summary>
    public string Url(string path) => BaseUrl + path;

    /// <summary>
    /// Sends a request and returns once the response head has arrived. Failures are wrapped the way
    /// handleQueryError does (`error querying PATH: ...`); a 503 becomes ServiceUnavailable.
    /// </summary>
    public RunnerResponse Send(string method, string path, byte[]? body = null,
        IEnumerable<(string, string)>? headers = null, CancellationToken cancel = default)
    {
        var op = method[..1] + method[1..].ToLowerInvariant();
        string Fail(string detail) => $"error querying {path}: {op} {Shared.GoFormat.Quote(Url(path))}: {detail}";

        if (cancel.IsCancellationRequested) throw new GoError(Fail("context canceled"));
        if (!IPAddress.TryParse(_host.Trim('[', ']'), out IPAddress? address))
        {
            try
            {
                var all = Dns.GetHostAddresses(_host);
                address = all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? all.First();
            }
            catch (Exception e) when (e is SocketException or InvalidOperationException)
            {
                throw new GoError(Fail($"dial tcp: lookup {_host}: no such host"), retryable: true);
            }
        }
        var endpoint = new IPEndPoint(address, _port);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        IDisposable? registration = cancel.CanBeCanceled ? cancel.Register(() => socket.Dispose()) : null;
        try
        {
            try { socket.Connect(endpoint); }
            catch (SocketException e)
            {
                var why = e.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connect: connection refused",
                    SocketError.TimedOut => "connect: connection timed out",
                    SocketError.NetworkUnreachable => "connect: network is unreachable",
                    SocketError.HostUnreachable => "connect: no route to host",
                    _ => "connect: " + e.Message.ToLowerInvariant(),
                };
                throw new GoError(Fail($"dial tcp {Format(endpoint)}: {why}"), retryable: true);
            }

            var head = new StringBuilder();
            head.Append(method).Append(' ').Append(_basePath + path).Append(" HTTP/1.1\r\n");
            head.Append("Host: ").Append(_host).Append(_port == 80 ? "" : ":" + _port.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            head.Append("User-Agent: ").Append(UserAgent).Append("\r\n");
            if (body is not null)
            {
                head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
                head.Append("Content-Type: application/json\r\n");
            }
            if (headers is not null)
                foreach (var (k, v) in headers) head.Append(k).Append(": ").Append(v).Append("\r\n");
            head.Append("Connection: close\r\n\r\n");

            var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new SocketReader(stream, socket, cancel);
            try
            {
                stream.Write(Encoding.ASCII.GetBytes(head.ToString()));
                if (body is not null) stream.Write(body);
                var statusLine = reader.ReadLine() ?? throw new GoError("EOF", retryable: true);
                var parts = statusLine.Split(' ', 3);
                int status = int.Parse(parts[1], CultureInfo.InvariantCulture);
                bool chunked = false;
                long? length = null;
                while (true)
                {
                    var h = reader.ReadLine() ?? throw new GoError("unexpected EOF", retryable: true);
                    if (h.Length == 0) break;
                    int colon = h.IndexOf(':');
                    if (colon <= 0) continue;
                    var name = h[..colon].Trim();
                    var value = h[(colon + 1)..].Trim();
                    if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = long.Parse(value, CultureInfo.InvariantCulture);
                }
                if (status == 503)
                {
                    registration?.Dispose();
                    socket.Dispose();
                    throw GoError.ServiceUnavailable();
                }
                Stream bodyStream = chunked ? new ChunkedBody(reader) : new PlainBody(reader, length);
                return new RunnerResponse(status, parts.Length > 2 ? $"{parts[1]} {parts[2]}" : parts[1], bodyStream, socket, registration);
            }
            catch (GoError e) when (!e.Unavailable)
            {
                throw new GoError(Fail(cancel.IsCancellationRequested ? "context canceled" : e.Message), retryable: true);
            }
            catch (IOException e)
            {
                throw new GoError(Fail(cancel.IsCancellationRequested ? "context canceled" : SocketReader.Describe(e, socket)), retryable: true);
            }
        }
        catch
        {
            registration?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private static string Format(IPEndPoint ep) =>
        ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : $"{ep.Address}:{ep.Port}";
}

/// <summary>Buffered reads from the response socket; read failures become Go-worded GoErrors.</summary>
public sealed class SocketReader(Stream stream, Socket socket, CancellationToken cancel)
{
    private readonly byte[] _buf = new byte[64 * 1024];
    private int _start, _end;

    public static string Describe(IOException e, Socket socket)
    {
        string ep;
        try { ep = $"{socket.LocalEndPoint}->{socket.RemoteEndPoint}"; }
        catch (ObjectDisposedException) { ep = "?"; }
        return e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset }
            ? $"read tcp {ep}: read: connection reset by peer"
            : $"read tcp {ep}: {e.Message}";
    }

    /// <summary>Reads more bytes; false at a clean EOF.</summary>
    private bool Fill()
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _buf.Length)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        try
        {
            int n = stream.Read(_buf, _end, _buf.Length - _end);
            if (n == 0) return false;
            _end += n;
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            if (cancel.IsCancellationRequested) throw new GoError("context canceled");
            throw new GoError(e is IOException io ? Describe(io, socket) : "use of closed network connection", retryable: true);
        }
    }

    public string? ReadLine()
    {
        var acc = new MemoryStream();
        while (true)
        {
            int nl = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                acc.Write(_buf, _start, nl - _start);
                _start = nl + 1;
                var s = Encoding.Latin1.GetString(acc.ToArray());
                return s.EndsWith('\r') ? s[..^1] : s;
            }
            acc.Write(_buf, _start, _end - _start);
            _start = _end;
            if (!Fill()) return acc.Length == 0 ? null : Encoding.Latin1.GetString(acc.ToArray());
        }
    }

    /// <summary>Up to `count` bytes; 0 only at EOF.</summary>
    public int Read(Span<byte> into)
    {
        if (_start == _end && !Fill()) return 0;
        int n = Math.Min(into.Length, _end - _start);
        _buf.AsSpan(_start, n).CopyTo(into);
        _start += n;
        return n;
    }
}

/// <summary>A chunked body; a connection closed before the last chunk is Go's io.ErrUnexpectedEOF.</summary>
public sealed class ChunkedBody(SocketReader reader) : ReadOnlyBody
{
    private long _left;
    private bool _done;

    public override int Read(Span<byte> buffer)
    {
        if (_done || buffer.Length == 0) return 0;
        if (_left == 0)
        {
            var line = reader.ReadLine() ?? throw new GoError("unexpected EOF", retryable: true);
            if (line.Length == 0) line = reader.ReadLine() ?? throw new GoError("unexpected EOF", retryable: true);
            int semi = line.IndexOf(';');
            _left = Convert.ToInt64(semi >= 0 ? line[..semi] : line, 16);
            if (_left == 0)
            {
                _done = true;
                return 0;
            }
        }
        int n = reader.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        if (n == 0) throw new GoError("unexpected EOF", retryable: true);
        _left -= n;
        if (_left == 0) reader.ReadLine(); // the CRLF after the data
        return n;
    }
}

public sealed class PlainBody(SocketReader reader, long? length) : ReadOnlyBody
{
    private long? _left = length;

    public override int Read(Span<byte> buffer)
    {
        if (_left == 0 || buffer.Length == 0) return 0;
        var want = _left is { } l ? (int)Math.Min(buffer.Length, l) : buffer.Length;
        int n = reader.Read(buffer[..want]);
        if (n == 0 && _left > 0) throw new GoError("unexpected EOF", retryable: true);
        if (_left is not null) _left -= n;
        return n;
    }
}

public abstract class ReadOnlyBody : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public abstract override int Read(Span<byte> buffer);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// bufio.Scanner with ScanLines over a body: lines without "\n" (a trailing "\r" dropped), a last unterminated line
/// returned before the read error surfaces, and the 64 KiB token limit.
/// </summary>
public sealed class LineReader(Stream body)
{
    private const int MaxToken = 64 * 1024;
    private readonly byte[] _buf = new byte[MaxToken];
    private int _start, _end;
    private GoError? _pending;
    private bool _eof;

    public byte[]? ReadLine()
    {
        while (true)
        {
            int nl = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                int len = nl - _start;
                if (len > 0 && _buf[nl - 1] == '\r') len--;
                var line = _buf.AsSpan(_start, len).ToArray();
                _start = nl + 1;
                return line;
            }
            if (_eof || _pending is not null)
            {
                if (_end > _start)
                {
                    var rest = _buf.AsSpan(_start, _end - _start).ToArray();
                    _start = _end;
                    return rest;
                }
                if (_pending is not null) throw _pending;
                return null;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buf.Length) throw new GoError("bufio.Scanner: token too long");
            try
            {
                int n = body.Read(_buf, _end, _buf.Length - _end);
                if (n == 0) _eof = true;
                _end += n;
            }
            catch (GoError e)
            {
                _pending = e;
            }
        }
    }
}
