// Copyright (c) RaftCache contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace RaftCache.Chaos;

/// <summary>
/// Runtime membership: an empty node started with --join in a free address slot, admitted through
/// POST /admin/members, and members removed through DELETE /admin/members/{id}. Slots (127.0.0.11-15) are reused:
/// a retired member's container is stopped (kept for its logs) and a later joiner in its slot starts on a fresh
/// data folder, so it gets a new member id (ids are never reused).
/// </summary>
public sealed partial class ChaosCluster
{
    /// <summary>Address slots 127.0.0.11 to 127.0.0.15.</summary>
    public const int MaxSlots = 5;

    /// <summary>Membership calls wait for the metadata leader and, to add, for the joiner: longer than a plain admin call.</summary>
    private static readonly HttpClient Membership = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { { "X-Api-Key", AdminKey } },
    };

    /// <summary>Slot -> short container name, for every slot with a container in service (retired ones are gone).</summary>
    private readonly Dictionary<int, string> _containers = [];

    /// <summary>Slot -> member id; 0 while a joiner waits to be admitted.</summary>
    private readonly Dictionary<int, ulong> _ids = [];

    /// <summary>Every container ever started (short names), for the logs kept on failure.</summary>
    private readonly List<string> _started = [];
    private int _joiners;

    /// <summary>One answer of an admin call: status (0 when there was none) and body, shortened for the nemesis log.</summary>
    public sealed record AdminAnswer(int Status, string Body)
    {
        public override string ToString() => $"{(Status == 0 ? "no answer" : Status.ToString(CultureInfo.InvariantCulture))} {Body[..Math.Min(Body.Length, 200)]}".TrimEnd();
    }

    /// <summary>Slots with a container in service: founders and joiners not retired, admitted or not.</summary>
    public IReadOnlyList<int> Nodes
    {
        get
        {
            lock (_lock) return [.. _containers.Keys.Order()];
        }
    }

    /// <summary>Slots whose node has been admitted (founders included) and not retired.</summary>
    public IReadOnlyList<int> Members
    {
        get
        {
            lock (_lock) return [.. _ids.Where(p => p.Value != 0).Select(p => p.Key).Order()];
        }
    }

    /// <summary>The member id of the node in <paramref name="node"/>'s slot; 0 when not (yet) a member.</summary>
    public ulong IdOf(int node)
    {
        lock (_lock) return _ids.GetValueOrDefault(node);
    }

    /// <summary>The slot of member <paramref name="id"/>; 0 when no node in service has that id.</summary>
    public int NodeOf(ulong id)
    {
        lock (_lock) return id == 0 ? 0 : _ids.FirstOrDefault(p => p.Value == id).Key;
    }

    /// <summary>The lowest address slot without a container in service, or 0.</summary>
    public int FreeSlot()
    {
        lock (_lock) return Enumerable.Range(1, MaxSlots).FirstOrDefault(s => !_containers.ContainsKey(s));
    }

    /// <summary>Starts an empty node in free slot <paramref name="node"/> with --join (the URL of <paramref name="via"/>) and waits (bounded) until it answers GET /admin/join.</summary>
    public async Task StartJoinerAsync(int node, int via, TimeSpan within)
    {
        lock (_lock)
        {
            if (_containers.ContainsKey(node)) throw new InvalidOperationException($"slot {node} is in use");
            _containers[node] = $"n{node}j{++_joiners}";
            _ids[node] = 0;
        }

        await RunContainerAsync(node, ["--join", RestUrl(via).ToString().TrimEnd('/')]);
        var clock = Stopwatch.StartNew();
        while (await TryGetAsync(node, "/admin/join") is null)
        {
            if (clock.Elapsed > within) throw new TimeoutException($"joiner n{node} did not answer /admin/join after {within.TotalSeconds:F0} s");
            await Task.Delay(200); // polling interval of a bounded wait
        }
    }

    /// <summary>POST /admin/members with the joiner's address, sent to <paramref name="via"/>; a 202 records the id the cluster gave it.</summary>
    public async Task<AdminAnswer> AdmitAsync(int node, int via)
    {
        var answer = await SendAsync(HttpMethod.Post, via, "/admin/members", new { address = RestUrl(node).ToString().TrimEnd('/') });
        if (answer.Status == 202)
        {
            var id = JsonDocument.Parse(answer.Body).RootElement.GetProperty("id").GetUInt64();
            lock (_lock) _ids[node] = id;
        }

        return answer;
    }

    /// <summary>DELETE /admin/members/{id} of <paramref name="id"/>, sent to <paramref name="via"/> (202: draining).</summary>
    public Task<AdminAnswer> RemoveMemberAsync(ulong id, int via) =>
        SendAsync(HttpMethod.Delete, via, $"/admin/members/{id.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Whether <paramref name="asking"/> lists <paramref name="id"/> in "removed_members"; null when it does not answer.</summary>
    public async Task<bool?> IsRemovedAsync(ulong id, int asking) =>
        await TryGetAsync(asking, "/admin/cluster") is { } view
            ? view.GetProperty("removed_members").EnumerateArray().Any(r => r.GetUInt64() == id)
            : null;

    /// <summary>Takes a removed member out of service: its container is stopped (kept for the logs) and its slot freed.</summary>
    public async Task RetireAsync(int node)
    {
        var name = Container(node);
        bool paused;
        lock (_lock)
        {
            paused = _paused.Remove(node);
            _down.Remove(node);
            _containers.Remove(node);
            _ids.Remove(node);
        }

        if (paused) await Shell.DockerTryAsync("unpause", name);
        await Shell.DockerTryAsync("kill", name); // fails harmlessly when it is not running
    }

    private static async Task<AdminAnswer> SendAsync(HttpMethod method, int node, string path, object? body = null)
    {
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(RestUrl(node), path));
            if (body is not null) request.Content = JsonContent.Create(body);
            using var response = await Membership.SendAsync(request);
            return new AdminAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new AdminAnswer(0, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
