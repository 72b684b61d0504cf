#!/usr/bin/perl
# bench.pl: the Perl AnyEvent::MP 2.02 peer of local.c and remote.c,
# with the same modes, arguments and output lines:
#
#	perl bench.pl local COUNT BURST
#	perl bench.pl server NODEID SECRET BIND
#	perl bench.pl client NODEID SECRET BIND SEED PORT COUNT WINDOW
#	perl bench.pl mem NODEID SECRET BIND PORTS
#
# Nodes use the reference's defaults otherwise (CBOR framing between two
# Perl nodes; JSON when the peer lists only JSON).

use strict;
use warnings;

use AnyEvent;
use AnyEvent::MP;
use Time::HiRes ();

$| = 1;

my $mode = shift @ARGV // "";

sub now { Time::HiRes::clock_gettime(Time::HiRes::CLOCK_MONOTONIC()) }

sub report {
	my ($name, $n, $t0) = @_;
	my $t = now() - $t0;

	printf "%s %d %.6f %.0f\n", $name, $n, $t, $n / $t;
}

sub setup {
	my ($nodeid, $secret, $bind, $seed) = @_;

	configure norc => 1, nodeid => $nodeid, secret => $secret,
	    binds => [$bind], seeds => [$seed];
}

sub bench_local {
	my ($count, $burst) = @_;
	my ($a, $b, $seen, $cv, $t0);

	$seen = 0;
	$cv = AE::cv;
	$a = port {
		my (undef, $i) = @_;
		return $cv->send if ++$seen >= $count;
		snd $b, ping => $i + 1;
	};
	$b = port {
		my (undef, $i) = @_;
		++$seen;
		snd $a, ping => $i + 1;
	};
	$t0 = now();
	snd $b, ping => 0;
	$cv->recv;
	report "pingpong", $seen, $t0;

	my ($sink, $driver);
	$seen = 0;
	$cv = AE::cv;
	$sink = port {
		return $cv->send if ++$seen >= $count;
		snd $driver, "go" if $seen % $burst == 0;
	};
	$driver = port {
		snd $sink, msg => $_ for 0 .. $burst - 1;
	};
	$t0 = now();
	snd $driver, "go";
	$cv->recv;
	report "burst", $seen, $t0;
}

sub bench_server {
	my ($nodeid, $secret, $bind) = @_;

	setup $nodeid, $secret, $bind, $bind;
	my $port = port {
		my (undef, $i, $reply) = @_;
		snd $reply, pong => $i;
	};
	print "port $port\n";
	AE::cv->recv;
}

sub bench_client {
	my ($nodeid, $secret, $bind, $seed, $srv, $count, $window) = @_;
	my ($phase, $total, $sent, $got, $t0, @lat, $cv);

	setup $nodeid, $secret, $bind, $seed;
	$cv = AE::cv;
	my $reply;
	my $ping = sub {
		$lat[$sent] = now() if $phase == 1;
		snd $srv, ping => $sent, $reply;
		$sent++;
	};
	my $start = sub {
		($phase) = @_;
		$sent = $got = 0;
		$total = $phase == 0 ? 1000 : $count;
		$t0 = now();
		$ping->() for 1 .. ($phase == 2 ? $window : 1);
	};
	$reply = port {
		my (undef, $i) = @_;
		$lat[$i] = now() - $lat[$i] if $phase == 1;
		if (++$got >= $total) {
			if ($phase == 1) {
				my @s = sort { $a <=> $b } @lat;
				my $p99 = int($count * 99 / 100);
				$p99 = $count - 1 if $p99 >= $count;
				printf "latency %d %.1f %.1f\n", $count,
				    $s[$count / 2] * 1e6, $s[$p99] * 1e6;
			} elsif ($phase == 2) {
				report "pipelined", $count, $t0;
				return $cv->send;
			}
			return $start->($phase + 1);
		}
		$ping->() if $sent < $total;
	};
	my $deadline = AE::timer 45, 0, sub {
		print STDERR "bench.pl: deadline passed in phase $phase",
		    " ($got of $total)\n";
		exit 1;
	};
	$start->(0);
	$cv->recv;
}

sub rss_kb {
	open my $f, "<", "/proc/self/status" or return -1;
	while (<$f>) {
		return $1 if /^VmRSS:\s*(\d+)/;
	}
	return -1;
}

sub bench_mem {
	my ($nodeid, $secret, $bind, $n) = @_;

	setup $nodeid, $secret, $bind, $bind;
	my $cv = AE::cv;
	my $w = AE::timer 0.5, 0, sub {
		my $before = rss_kb;
		print "rss_idle $before\n";
		port for 1 .. $n;
		my $after = rss_kb;
		printf "rss_ports %d %.0f\n", $after,
		    ($after - $before) * 1024 / $n;
		$cv->send;
	};
	$cv->recv;
}

if ($mode eq "local" && @ARGV == 2) {
	bench_local @ARGV;
} elsif ($mode eq "server" && @ARGV == 3) {
	bench_server @ARGV;
} elsif ($mode eq "client" && @ARGV == 7) {
	bench_client @ARGV;
} elsif ($mode eq "mem" && @ARGV == 4) {
	bench_mem @ARGV;
} else {
	die "usage: bench.pl local|server|client|mem ARGS (see the top)\n";
}
