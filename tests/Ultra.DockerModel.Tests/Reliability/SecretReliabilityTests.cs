using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Ultra.DockerModel.Providers;
using Xunit;

namespace Ultra.DockerModel.Tests.Reliability;

/// <summary>API keys never leave in error text, even when a server echoes the key back.</summary>
[Trait("Category", "Reliability")]
public sealed class SecretReliabilityTests
{
    /// <summary>One HTTP exchange: answers with <paramref name="status"/> and a body quoting the Authorization header it got.</summary>
    private static (string Url, Task Served) EchoingServer(int status)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync();
                using var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[8192];
                while (!head.ToString().Contains("\r\n\r\n"))
                {
                    int n = await stream.ReadAsync(buffer);
                    if (n == 0) break;
                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                string auth = "";
                foreach (var line in head.ToString().Split("\r\n"))
                    if (line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase)) auth = line.Substring(14).Trim();
                string body = "{\"error\":{\"message\":\"Incorrect API key provided: " + auth.Replace("Bearer ", "") + ". Header was: " + auth + "\",\"type\":\"invalid_request_error\"}}";
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                string response = $"HTTP/1.1 {status} Error\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
                await stream.WriteAsync(bytes);
            }
            finally { listener.Stop(); }
        });
        return ($"http://127.0.0.1:{port}/v1", served);
    }

    [Theory]
    [InlineData(401, ErrorKind.AuthenticationFailed)]
    [InlineData(400, ErrorKind.InvalidInvocation)]
    [InlineData(500, ErrorKind.ServerError)]
    public async Task A_key_echoed_by_the_server_is_masked_in_every_part_of_the_error(int status, ErrorKind kind)
    {
        string key = "sk-echo-" + Guid.NewGuid().ToString("N");
        var (url, served) = EchoingServer(status);
        using var client = new OpenAIChatClient(url, "gpt-test", key);
        var e = await Assert.ThrowsAnyAsync<DockerModelException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(new[] { new ChatMessage(ChatRole.User, "hi") })) { }
        });
        await served;
        Assert.Equal(kind, e.Kind);
        Assert.Contains("Incorrect API key provided", e.RawError);
        foreach (string text in new[] { e.Message, e.RawError ?? "", e.ToString() })
            Assert.DoesNotContain(key, text);
    }
}
