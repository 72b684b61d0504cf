%% local.erl: Erlang's local message rate, the peer of local.c.
%%
%%	erl -noshell -pa DIR -eval 'local:main([COUNT, BURST]), halt().'
%%
%% pingpong: two processes send {ping, I} back and forth COUNT times in
%% all; burst: a driver sends BURST messages {msg, I} to a sink, which
%% asks for the next burst when the last one arrived, until COUNT
%% messages went through.  Prints "NAME MESSAGES SECONDS RATE" lines.

-module(local).
-export([main/1]).

main([Count, Burst]) ->
    pingpong(Count),
    burst(Count, Burst).

now_s() ->
    erlang:monotonic_time(nanosecond) / 1.0e9.

report(Name, N, T0) ->
    T = now_s() - T0,
    io:format("~s ~B ~.6f ~B~n", [Name, N, T, round(N / T)]).

pingpong(Count) ->
    Self = self(),
    B = spawn(fun() -> pong(Self) end),
    T0 = now_s(),
    B ! {ping, 0},
    ping(B, 0, Count),
    exit(B, kill),
    report("pingpong", Count, T0).

%% A's side: Seen counts the messages both processes handled.
ping(B, Seen, Count) ->
    receive
        {ping, I} when Seen + 2 >= Count ->
            I;
        {ping, I} ->
            B ! {ping, I + 1},
            ping(B, Seen + 2, Count)
    end.

pong(A) ->
    receive
        {ping, I} ->
            A ! {ping, I + 1},
            pong(A)
    end.

burst(Count, Burst) ->
    Self = self(),
    Sink = spawn(fun() -> sink(Self, 0, Count, Burst) end),
    T0 = now_s(),
    drive(Sink, Burst),
    report("burst", Count, T0).

drive(Sink, Burst) ->
    send_burst(Sink, 0, Burst),
    receive
        go -> drive(Sink, Burst);
        done -> ok
    end.

send_burst(_, Burst, Burst) ->
    ok;
send_burst(Sink, I, Burst) ->
    Sink ! {msg, I},
    send_burst(Sink, I + 1, Burst).

sink(Driver, Seen, Count, Burst) ->
    receive
        {msg, _} when Seen + 1 >= Count ->
            Driver ! done;
        {msg, _} when (Seen + 1) rem Burst =:= 0 ->
            Driver ! go,
            sink(Driver, Seen + 1, Count, Burst);
        {msg, _} ->
            sink(Driver, Seen + 1, Count, Burst)
    end.
