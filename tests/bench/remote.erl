%% remote.erl: Erlang distribution between two nodes, the peer of remote.c.
%%
%%	remote:server()			registers echo, answers {ping, I, From}
%%					with {pong, I}; runs until killed
%%	remote:client(Node, Count, Window)
%%					1000 warm-up round trips, then Count
%%					sequential ones ("latency COUNT
%%					MEDIAN_US P99_US"), then Count
%%					pipelined ones with at most Window
%%					outstanding ("pipelined COUNT SECONDS
%%					RATE")
%%	remote:mem(Ports)		"rss_idle KB", then spawns Ports
%%					waiting processes: "rss_ports KB
%%					PER_PROCESS_BYTES" and "erlmem_ports
%%					BYTES_TOTAL PER_PROCESS_BYTES"

-module(remote).
-export([server/0, client/3, mem/1]).

server() ->
    register(echo, spawn(fun echo/0)),
    io:format("ready ~s~n", [node()]).

echo() ->
    receive
        {ping, I, From} ->
            From ! {pong, I},
            echo()
    end.

now_us() ->
    erlang:monotonic_time(nanosecond) / 1000.0.

client(Node, Count, Window) ->
    Srv = {echo, Node},
    wait_up(Srv, 100),
    sequential(Srv, 1000, []),
    Lat = lists:sort(sequential(Srv, Count, [])),
    Median = lists:nth(Count div 2 + 1, Lat),
    P99 = lists:nth(min(Count, (Count * 99) div 100 + 1), Lat),
    io:format("latency ~B ~.1f ~.1f~n", [Count, Median, P99]),
    T0 = now_us(),
    pipelined(Srv, 0, 0, Count, Window),
    T = (now_us() - T0) / 1.0e6,
    io:format("pipelined ~B ~.6f ~B~n", [Count, T, round(Count / T)]).

%% The server's echo may not be registered yet: ask until it answers.
wait_up(_, 0) ->
    erlang:error(server_not_up);
wait_up(Srv, Tries) ->
    Srv ! {ping, -1, self()},
    receive
        {pong, -1} -> ok
    after 100 ->
        wait_up(Srv, Tries - 1)
    end.

sequential(_, 0, Acc) ->
    Acc;
sequential(Srv, N, Acc) ->
    T0 = now_us(),
    Srv ! {ping, N, self()},
    receive
        {pong, N} -> sequential(Srv, N - 1, [now_us() - T0 | Acc])
    after 10000 ->
        erlang:error(timeout)
    end.

%% Sent and Got count requests and replies; keep Window outstanding.
pipelined(_, _, Count, Count, _) ->
    ok;
pipelined(Srv, Sent, Got, Count, Window) when Sent < Count,
                                              Sent - Got < Window ->
    Srv ! {ping, Sent, self()},
    pipelined(Srv, Sent + 1, Got, Count, Window);
pipelined(Srv, Sent, Got, Count, Window) ->
    receive
        {pong, _} -> pipelined(Srv, Sent, Got + 1, Count, Window)
    after 10000 ->
        erlang:error(timeout)
    end.

rss_kb() ->
    {ok, Status} = file:read_file("/proc/self/status"),
    {match, [Kb]} = re:run(Status, "VmRSS:\\s*(\\d+)",
                           [{capture, all_but_first, list}]),
    list_to_integer(Kb).

mem(Ports) ->
    timer:sleep(500),
    Before = rss_kb(),
    MemBefore = erlang:memory(total),
    io:format("rss_idle ~B~n", [Before]),
    Pids = [spawn(fun() -> receive stop -> ok end end)
            || _ <- lists:seq(1, Ports)],
    After = rss_kb(),
    MemAfter = erlang:memory(total),
    io:format("rss_ports ~B ~B~n",
              [After, round((After - Before) * 1024 / Ports)]),
    io:format("erlmem_ports ~B ~B~n",
              [MemAfter, round((MemAfter - MemBefore) / Ports)]),
    [P ! stop || P <- Pids],
    ok.
