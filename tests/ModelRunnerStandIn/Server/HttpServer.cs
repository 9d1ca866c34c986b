using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelRunnerStandIn.Server;

/// <summary>A minimal HTTP/1.1 server on 127.0.0.1 (keep-alive, Content-Length or chunked request bodies).</summary>
public sealed class HttpServer(Func<HttpExchange, Task> handler, ServerStats stats)
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 64 * 1024 * 1024;
    private TcpListener? _listener;

    public int Start(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start(512);
        _ = AcceptLoopAsync(_listener);
        return ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            Socket socket;
            try { socket = await listener.AcceptSocketAsync(); }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            socket.NoDelay = true;
            _ = Task.Run(() => ServeConnectionAsync(socket));
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        Interlocked.Increment(ref stats.OpenConnections);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var input = new BufferedInput(stream);
        try
        {
            while (true)
            {
                var request = await ReadRequestAsync(input, stream);
                if (request is null) break;
                var exchange = new HttpExchange(request, stream, socket);
                try
                {
                    await handler(exchange);
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
                {
                    break; // the client went away mid-response
                }
                catch (Exception e)
                {
                    if (exchange.HeadersSent || exchange.Closed) break;
                    await exchange.SendTextAsync(500, e.Message);
                }
                if (exchange.Closed || request.WantsClose) break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref stats.OpenConnections);
            try { socket.Close(); } catch (ObjectDisposedException) { }
        }
    }

    private static async Task<HttpRequest?> ReadRequestAsync(BufferedInput input, NetworkStream stream)
    {
        string? line;
        do
        {
            line = await input.ReadLineAsync(MaxHeaderBytes);
            if (line is null) return null;
        } while (line.Length == 0); // tolerate stray CRLF between requests

        var parts = line.Split(' ');
        if (parts.Length != 3) throw new InvalidDataException("bad request line");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var h = await input.ReadLineAsync(MaxHeaderBytes) ?? throw new InvalidDataException("eof in headers");
            if (h.Length == 0) break;
            int colon = h.IndexOf(':');
            if (colon <= 0) continue;
            var name = h[..colon].Trim();
            var value = h[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var prev) ? prev + ", " + value : value;
        }

        if (headers.TryGetValue("Expect", out var expect) && expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase))
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());

        byte[] body;
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            body = await ReadChunkedBodyAsync(input);
        else if (headers.TryGetValue("Content-Length", out var cl) && long.TryParse(cl, out var n) && n > 0)
        {
            if (n > MaxBodyBytes) throw new InvalidDataException("body too large");
            body = await input.ReadExactAsync((int)n);
        }
        else body = [];

        var target = parts[1];
        int q = target.IndexOf('?');
        var rawPath = q >= 0 ? target[..q] : target;
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (q >= 0)
        {
            foreach (var pair in target[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                var k = Uri.UnescapeDataString((eq >= 0 ? pair[..eq] : pair).Replace('+', ' '));
                var v = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "";
                query.TryAdd(k, v);
            }
        }

        bool close = parts[2] == "HTTP/1.0"
            || (headers.TryGetValue("Connection", out var conn) && conn.Contains("close", StringComparison.OrdinalIgnoreCase));
        return new HttpRequest
        {
            Method = parts[0],
            Path = Uri.UnescapeDataString(rawPath),
            Query = query,
            Headers = headers,
            Body = body,
            WantsClose = close,
        };
    }

    private static async Task<byte[]> ReadChunkedBodyAsync(BufferedInput input)
    {
        var ms = new MemoryStream();
        while (true)
        {
            var sizeLine = await input.ReadLineAsync(MaxHeaderBytes) ?? throw new InvalidDataException("eof in chunk size");
            int semi = sizeLine.IndexOf(';');
            var size = Convert.ToInt32(semi >= 0 ? sizeLine[..semi] : sizeLine, 16);
            if (size == 0)
            {
                while (!string.IsNullOrEmpty(await input.ReadLineAsync(MaxHeaderBytes))) { } // trailers
                return ms.ToArray();
            }
            if (ms.Length + size > MaxBodyBytes) throw new InvalidDataException("body too large");
            ms.Write(await input.ReadExactAsync(size));
            await input.ReadLineAsync(MaxHeaderBytes);
        }
    }
}

/// <summary>Buffered reads of CRLF lines and exact byte counts from a socket stream.</summary>
public sealed class BufferedInput(Stream stream)
{
    private readonly byte[] _buf = new byte[16 * 1024];
    private int _start, _end;

    private async Task<bool> FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) throw new InvalidDataException("line too long");
        int n = await stream.ReadAsync(_buf.AsMemory(_end));
        if (n == 0) return false;
        _end += n;
        return true;
    }

    public async Task<string?> ReadLineAsync(int maxBytes)
    {
        var acc = new MemoryStream();
        while (true)
        {
            int nl = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                acc.Write(_buf, _start, nl - _start);
                _start = nl + 1;
                var bytes = acc.ToArray();
                int len = bytes.Length > 0 && bytes[^1] == '\r' ? bytes.Length - 1 : bytes.Length;
                return Encoding.Latin1.GetString(bytes, 0, len);
            }
            acc.Write(_buf, _start, _end - _start);
            _start = _end;
            if (acc.Length > maxBytes) throw new InvalidDataException("line too long");
            if (!await FillAsync()) return acc.Length == 0 ? null : throw new InvalidDataException("eof in line");
        }
    }

    public async Task<byte[]> ReadExactAsync(int count)
    {
        var result = new byte[count];
        int got = 0;
        while (got < count)
        {
            if (_start == _end && !await FillAsync()) throw new InvalidDataException("eof in body");
            int take = Math.Min(count - got, _end - _start);
            Buffer.BlockCopy(_buf, _start, result, got, take);
            _start += take;
            got += take;
        }
        return result;
    }
}
