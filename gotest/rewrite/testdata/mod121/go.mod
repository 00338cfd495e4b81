module example.com/rw121

go 1.21
