# Generates the Shapiro–Wilk golden files for tests/unit/test_shapiro.c from R's
# shapiro.test (AS R94, double precision). Run: Rscript gen_shapiro.R  (in this folder)
# Each line: <distribution> <n> <W> <p> <x_1> ... <x_n>, values with 17 significant digits
# so that the C test reads back exactly the doubles R tested.
set.seed(20260101)
gen <- function(dist, n) switch(dist,
  normal  = rnorm(n, 10, 3),
  uniform = runif(n),
  exp     = rexp(n, 2),
  lnorm   = rlnorm(n),
  t3      = rt(n, 3),
  mixture = c(rnorm(n %/% 2), rnorm(n - n %/% 2, 4)),
  ties    = round(rnorm(n) * 2) / 2)
emit <- function(con, dist, n) {
  repeat { x <- gen(dist, n); if (diff(range(x)) > 1e-10) break }
  r <- shapiro.test(x)
  cat(dist, n, sprintf("%.17g", r$statistic), sprintf("%.17g", r$p.value),
      sprintf("%.17g", x), "\n", file = con)
}
dists <- c("normal", "uniform", "exp", "lnorm", "t3", "mixture", "ties")
con <- file("shapiro_small.txt", "w")
for (n in c(3:40, 45, 50, 60, 75, 99, 100, 101, 150, 200))
  for (d in dists) emit(con, d, n)
close(con)
con <- file("shapiro_large.txt", "w")
ns <- c(250, 500, 777, 1000, 1500, 2000, 3000, 4096, 4999, 5000)
for (k in seq_along(ns)) emit(con, dists[(k - 1) %% length(dists) + 1], ns[k])
emit(con, "normal", 5000)
emit(con, "uniform", 5000)
close(con)
